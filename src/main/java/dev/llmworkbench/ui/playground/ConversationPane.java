package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.Message;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** The conversation so far: one line per turn; Delete removes a turn, Enter or a double click edits it. */
final class ConversationPane extends VBox {
    private final PlaygroundViewModel vm;

    ConversationPane(PlaygroundViewModel vm) {
        super(6);
        this.vm = vm;
        ListView<Message> turns = new ListView<>(vm.conversation());
        turns.setId("conversation");
        turns.setAccessibleText("Conversation so far: select a turn, Delete removes it, Enter edits it");
        turns.setPrefHeight(120);
        turns.setPlaceholder(new Label("No turns yet: the next run starts a conversation."));
        turns.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(Message m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : m.role().wireName() + ": " + abbreviate(m.content()));
            }
        });
        turns.setOnKeyPressed(e -> {
            int i = turns.getSelectionModel().getSelectedIndex();
            if (i < 0) {
                return;
            }
            if (e.getCode() == KeyCode.DELETE) {
                vm.removeTurn(i);
            } else if (e.getCode() == KeyCode.ENTER) {
                editTurn(i);
            }
        });
        turns.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && turns.getSelectionModel().getSelectedIndex() >= 0) {
                editTurn(turns.getSelectionModel().getSelectedIndex());
            }
        });
        Button removeTurn = new Button("Remove turn");
        removeTurn.disableProperty().bind(turns.getSelectionModel().selectedItemProperty().isNull());
        removeTurn.setOnAction(e -> vm.removeTurn(turns.getSelectionModel().getSelectedIndex()));
        Button editTurn = new Button("Edit turn");
        editTurn.disableProperty().bind(turns.getSelectionModel().selectedItemProperty().isNull());
        editTurn.setOnAction(e -> editTurn(turns.getSelectionModel().getSelectedIndex()));
        getChildren().addAll(ViewParts.caption("Conversation"), turns, new HBox(6, editTurn, removeTurn));
    }

    private void editTurn(int index) {
        Message m = vm.conversation().get(index);
        TextInputDialog d = new TextInputDialog(m.content());
        d.setTitle("Edit turn");
        d.setHeaderText("Edit the " + m.role().wireName() + " turn");
        d.showAndWait().ifPresent(text -> vm.editTurn(index, text));
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 120 ? one.substring(0, 119) + "…" : one;
    }
}
