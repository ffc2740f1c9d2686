package dev.llmworkbench.ui.common;

import javafx.scene.input.KeyCombination;

/**
 * Where a view registers its keyboard shortcuts (for example {@link Shortcuts#RUN}). The main window
 * hands each view a registry scoped to it: the action runs only while that view is shown, so two
 * views may both use Ctrl+Enter. Call on the FX thread.
 */
@FunctionalInterface
public interface AcceleratorRegistry {
    /**
     * Runs {@code action} on the FX thread when {@code keys} is pressed (and not consumed by the
     * focused control) while the view is shown. A second registration of the same keys replaces the
     * first.
     */
    void register(KeyCombination keys, Runnable action);
}
