package dev.llmworkbench.ui.playground;

import atlantafx.base.theme.Styles;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;

/** Small controls and dialogs the playground's panels share. */
final class ViewParts {
    private ViewParts() { }

    /** A section caption. */
    static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_BOLD, "section-caption");
        return l;
    }

    /** A read-only, wrapping text area for output. */
    static TextArea readOnly(String id) {
        TextArea t = new TextArea();
        t.setId(id);
        t.setEditable(false);
        t.setWrapText(true);
        t.getStyleClass().add("output-text");
        return t;
    }

    /** A virtualised view of long output text. */
    static OutputTextView output(String id, String accessible) {
        OutputTextView v = new OutputTextView();
        v.setId(id);
        v.listView().setAccessibleText(accessible);
        v.listView().setPlaceholder(new Label(""));
        return v;
    }

    /** A resizable dialog that shows a text in a monospaced, read-only area. */
    static void showText(String title, String text) {
        TextArea t = readOnly("dialog-text");
        t.setText(text);
        t.getStyleClass().add("code");
        t.setPrefSize(640, 400);
        Alert a = new Alert(Alert.AlertType.NONE, "", ButtonType.CLOSE);
        a.setTitle(title);
        a.setHeaderText(title);
        a.getDialogPane().setContent(t);
        a.setResizable(true);
        a.show();
    }
}
