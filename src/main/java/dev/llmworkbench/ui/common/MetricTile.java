package dev.llmworkbench.ui.common;

import javafx.beans.property.StringProperty;
import javafx.scene.AccessibleRole;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/**
 * One figure of a metrics strip: a small caption above a value, for example "TTFT" over "412 ms".
 * The value is bound or set on the FX thread; "–" stands for "not known yet".
 */
public final class MetricTile extends VBox {
    /** Shown while a figure is not known. */
    public static final String NO_VALUE = "–";

    private final Label caption = new Label();
    private final Label value = new Label(NO_VALUE);

    /** A tile with the given caption and no value yet. */
    public MetricTile(String caption) {
        this(caption, null);
    }

    /** A tile with a caption and a tooltip that says what the figure means. */
    public MetricTile(String caption, String help) {
        getStyleClass().add("metric-tile");
        this.caption.getStyleClass().add("metric-caption");
        this.value.getStyleClass().add("metric-value");
        this.caption.setText(caption);
        if (help != null && !help.isBlank()) {
            Tooltip.install(this, new Tooltip(help));
        }
        getChildren().addAll(this.caption, this.value);
        setAccessibleRole(AccessibleRole.TEXT);
        accessibleTextProperty().bind(this.caption.textProperty().concat(": ").concat(this.value.textProperty()));
    }

    public StringProperty valueProperty() {
        return value.textProperty();
    }

    public String getValue() {
        return value.getText();
    }

    public void setValue(String text) {
        value.setText(text == null || text.isEmpty() ? NO_VALUE : text);
    }

    /** Back to "not known". */
    public void clear() {
        value.setText(NO_VALUE);
    }

    public StringProperty captionProperty() {
        return caption.textProperty();
    }
}
