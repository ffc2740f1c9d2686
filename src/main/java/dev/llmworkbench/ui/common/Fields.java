package dev.llmworkbench.ui.common;

import javafx.beans.property.StringProperty;
import javafx.scene.control.TextField;

/** Text fields bound to a view model's property, with an id and accessible text derived from it. */
public final class Fields {
    private Fields() {
    }

    /** A text field two-way bound to {@code p}; its accessible text is the id with spaces. */
    public static TextField bound(String id, StringProperty p, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setAccessibleText(id.replace('-', ' '));
        f.textProperty().bindBidirectional(p);
        return f;
    }
}
