package dev.llmworkbench.ui.common;

import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

/** The keyboard shortcuts shared by the main window and the views, in one place. */
public final class Shortcuts {
    /** Runs the request of the view shown (Playground, Compare). */
    public static final KeyCombination RUN = new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN);
    /** Stops the running request. */
    public static final KeyCombination STOP = new KeyCodeCombination(KeyCode.ESCAPE);
    /** Focuses the prompt editor. */
    public static final KeyCombination FOCUS_PROMPT = new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN);
    /** Switches between the light and the dark theme. */
    public static final KeyCombination TOGGLE_THEME =
            new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);

    private static final KeyCode[] DIGITS = {
        KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5,
        KeyCode.DIGIT6, KeyCode.DIGIT7, KeyCode.DIGIT8, KeyCode.DIGIT9
    };

    private Shortcuts() {
    }

    /**
     * Ctrl+N (Cmd+N on macOS) that shows the n-th view, n from 1 to 9.
     *
     * @throws IllegalArgumentException outside 1..9
     */
    public static KeyCombination view(int n) {
        if (n < 1 || n > DIGITS.length) {
            throw new IllegalArgumentException("view shortcut number must be 1..9: " + n);
        }
        return new KeyCodeCombination(DIGITS[n - 1], KeyCombination.SHORTCUT_DOWN);
    }
}
