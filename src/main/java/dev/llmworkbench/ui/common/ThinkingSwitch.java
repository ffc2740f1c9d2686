package dev.llmworkbench.ui.common;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ThinkingMode;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;

/**
 * A thinking switch that follows the chosen profile and model as the price catalogue knows them, one way for the
 * Playground, Compare and the Benchmark: a model that never thinks or always does takes no switch (not offered, and
 * set by {@code fixed} to what that view's control means for it); a model with a switch, or one the catalogue does
 * not know, is offered. The switch's label says which, in the same words in every view
 * ({@link ThinkingHints#switchLabel}). On the FX thread, as the properties it follows.
 */
public final class ThinkingSwitch {
    private final ObservableValue<ProviderProfile> profile;
    private final ObservableValue<String> model;
    private final Consumer<ThinkingMode> fixed;
    private final ReadOnlyObjectWrapper<ThinkingMode> mode = new ReadOnlyObjectWrapper<>(this, "thinkingMode");
    private final ReadOnlyBooleanWrapper offered = new ReadOnlyBooleanWrapper(this, "thinkingOffered", true);
    private final ReadOnlyStringWrapper label = new ReadOnlyStringWrapper(this, "thinkingLabel",
            ThinkingHints.switchLabel(true, false));
    private BiFunction<String, String, ThinkingMode> modes;

    /**
     * Follows nothing until {@link #follow} is called.
     *
     * @param fixed sets the view's control for a model that takes no switch (its mode: never or always)
     */
    public ThinkingSwitch(ObservableValue<ProviderProfile> profile, ObservableValue<String> model,
                          Consumer<ThinkingMode> fixed) {
        this.profile = Objects.requireNonNull(profile);
        this.model = Objects.requireNonNull(model);
        this.fixed = Objects.requireNonNull(fixed);
        profile.addListener((o, a, b) -> update());
        model.addListener((o, a, b) -> update());
    }

    /**
     * From now on, follows the catalogue's modes ({@code modes}: profile name or null, model → mode or null), each time
     * the profile or the model changes.
     */
    public void follow(BiFunction<String, String, ThinkingMode> modes) {
        this.modes = Objects.requireNonNull(modes);
        update();
    }

    /** Looks at the model again (the control was set from elsewhere: a saved "thinking on" unlocks no model). */
    public void update() {
        if (modes == null) {
            return;
        }
        ProviderProfile p = profile.getValue();
        ThinkingMode m = modes.apply(p == null ? null : p.name(), model.getValue());
        boolean switchable = m == null || m.switchable();
        mode.set(m);
        offered.set(switchable);
        label.set(ThinkingHints.switchLabel(switchable, !switchable && m.thinks(null)));
        if (!switchable) {
            fixed.accept(m);
        }
    }

    /** What the catalogue says of the model's thinking (null: it does not say). */
    public ReadOnlyObjectProperty<ThinkingMode> modeProperty() { return mode.getReadOnlyProperty(); }
    /** False for a model that never thinks or always does: no switch. */
    public ReadOnlyBooleanProperty offeredProperty() { return offered.getReadOnlyProperty(); }
    /** "Thinking" where the switch is offered, else "Thinking: always" or "Thinking: never". */
    public ReadOnlyStringProperty labelProperty() { return label.getReadOnlyProperty(); }
}
