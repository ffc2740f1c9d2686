package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The conversation so far: the turns sent before the next prompt, edited and removed by the user. UI thread. */
final class ConversationViewModel {
    private final ObservableList<Message> turns = FXCollections.observableArrayList();
    private final ObservableList<Message> readOnly = FXCollections.unmodifiableObservableList(turns);

    /** The turns, read-only: they change through the methods below. */
    ObservableList<Message> turns() {
        return readOnly;
    }

    boolean isEmpty() {
        return turns.isEmpty();
    }

    /** Adds the turns to a request, in order. */
    void appendTo(ChatRequest.Builder b) {
        for (Message msg : turns) {
            b.message(msg);
        }
    }

    /** A run answered: its prompt and the answer become the last two turns. */
    void add(Message user, Message assistant) {
        turns.add(user);
        turns.add(assistant);
    }

    void edit(int index, String text) {
        Message m = turns.get(index);
        turns.set(index, new Message(m.role(), text, m.toolCalls(), m.toolCallId()));
    }

    void remove(int index) {
        turns.remove(index);
    }

    void clear() {
        turns.clear();
    }

    /** The conversation of a recorded run (reopened from the History). */
    void setAll(java.util.List<Message> recorded) {
        turns.setAll(recorded);
    }
}
