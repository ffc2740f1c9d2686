package dev.llmworkbench.ui.common;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.AccessibleRole;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.geometry.Orientation;

/**
 * The line at the bottom of the main window: the provider and model in use, today's spend against
 * the budget, and the rate limiter's state. Each part is a property, to be bound to a view model
 * (on the FX thread). {@link #limiterPausedProperty()} switches the limiter text to the warning
 * style (pseudo-class {@code :paused}), for example "limiter: paused until 14:03:07 (429)".
 */
public final class StatusBar extends HBox {
    private static final PseudoClass PAUSED = PseudoClass.getPseudoClass("paused");

    private final StringProperty providerModel = new SimpleStringProperty(this, "providerModel", "");
    private final StringProperty spend = new SimpleStringProperty(this, "spend", "");
    private final StringProperty limiter = new SimpleStringProperty(this, "limiter", "");
    private final BooleanProperty limiterPaused = new SimpleBooleanProperty(this, "limiterPaused", false);
    private final Label providerLabel = part("status-provider", providerModel, "Provider and model");
    private final Label spendLabel = part("status-spend", spend, "Spend today");
    private final Label limiterLabel = part("status-limiter", limiter, "Rate limiter");

    public StatusBar() {
        getStyleClass().add("status-bar");
        setAlignment(Pos.CENTER_LEFT);
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        getChildren().addAll(providerLabel, grow, spendLabel, separator(), limiterLabel);
        limiterPaused.addListener((obs, was, paused) -> limiterLabel.pseudoClassStateChanged(PAUSED, paused));
    }

    private static Label part(String styleClass, StringProperty text, String role) {
        Label label = new Label();
        label.getStyleClass().addAll("status-part", styleClass);
        label.textProperty().bind(text);
        label.setAccessibleRole(AccessibleRole.TEXT);
        label.accessibleTextProperty().bind(text.map(t -> role + ": " + t));
        label.setMinWidth(Region.USE_PREF_SIZE);
        return label;
    }

    private static Separator separator() {
        Separator separator = new Separator(Orientation.VERTICAL);
        separator.getStyleClass().add("status-separator");
        return separator;
    }

    /** "Simulator (built in) · qwen3-235b-a22b". */
    public StringProperty providerModelProperty() {
        return providerModel;
    }

    /** "today $0.42 of $5.00". */
    public StringProperty spendProperty() {
        return spend;
    }

    /** "limiter: ready", "limiter: waiting (3 queued)", "limiter: paused until 14:03:07". */
    public StringProperty limiterProperty() {
        return limiter;
    }

    /** True while the limiter is paused (after a 429): the limiter text shows as a warning. */
    public BooleanProperty limiterPausedProperty() {
        return limiterPaused;
    }

    Label providerLabel() {
        return providerLabel;
    }

    Label spendLabel() {
        return spendLabel;
    }

    Label limiterLabel() {
        return limiterLabel;
    }
}
