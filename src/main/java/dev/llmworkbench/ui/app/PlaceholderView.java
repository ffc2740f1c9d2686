package dev.llmworkbench.ui.app;

import atlantafx.base.theme.Styles;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.scene.text.TextAlignment;

/** A view that is not built yet: its name and one line that says what it will do. */
final class PlaceholderView {
    private PlaceholderView() {
    }

    static Node create(String name, String purpose) {
        Label text = new Label(purpose);
        text.getStyleClass().addAll(Styles.TITLE_4, "placeholder-purpose");
        text.setWrapText(true);
        text.setTextAlignment(TextAlignment.CENTER);
        Label soon = new Label("The " + name + " view arrives in a later build.");
        soon.getStyleClass().addAll(Styles.TEXT_MUTED, "placeholder-soon");
        VBox box = new VBox(10, text, soon);
        box.getStyleClass().add("placeholder-view");
        box.setAlignment(Pos.CENTER);
        box.setId("view-" + name.toLowerCase(Locale.ROOT));
        box.setAccessibleText(name + " view");
        return box;
    }
}
