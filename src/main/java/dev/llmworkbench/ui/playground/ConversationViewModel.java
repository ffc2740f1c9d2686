package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.service.playground.ConversationTree;
import dev.llmworkbench.service.playground.ConversationTree.Turn;
import java.math.BigDecimal;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The conversation so far, with its branches ({@link ConversationTree}): the turns sent before the next prompt
 * are the tree's path. Regenerated answers and edited prompts become siblings; a branch is switched to or cut
 * at any turn. UI thread.
 */
final class ConversationViewModel {
    private final ReadOnlyObjectWrapper<ConversationTree> tree =
            new ReadOnlyObjectWrapper<>(this, "tree", ConversationTree.EMPTY);
    private final ObservableList<Message> turns = FXCollections.observableArrayList();
    private final ObservableList<Message> readOnly = FXCollections.unmodifiableObservableList(turns);

    /** The turns of the path, read-only: they change through the methods below. */
    ObservableList<Message> turns() {
        return readOnly;
    }

    /** The whole conversation with its branches. */
    ReadOnlyObjectProperty<ConversationTree> treeProperty() {
        return tree.getReadOnlyProperty();
    }

    ConversationTree tree() {
        return tree.get();
    }

    private void set(ConversationTree t) {
        List<Message> path = t.messages();
        if (!path.equals(turns)) {
            turns.setAll(path);
        }
        tree.set(t);
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

    /** A run answered: its prompt and the answer (with its reasoning and figures) become the last two turns. */
    void add(Message user, Message assistant, String reasoning, Double ttftMs, Integer tokensOut, BigDecimal cost) {
        set(tree.get().append(user, "", null, null, null).append(assistant, reasoning, ttftMs, tokensOut, cost));
    }

    /** A run from the head (a regenerated answer, an edited prompt) answered: the answer follows the head. */
    void addAnswer(Message assistant, String reasoning, Double ttftMs, Integer tokensOut, BigDecimal cost) {
        set(tree.get().append(assistant, reasoning, ttftMs, tokensOut, cost));
    }

    /** A prompt as a sibling of the user turn {@code id} (an edit): it becomes the head. */
    void addSiblingPrompt(int id, String text) {
        ConversationTree t = tree.get();
        set(t.cutAt(t.turn(id).parent()).append(Message.user(text), "", null, null, null));
    }

    /** Shows the conversation up to the turn {@code id} (0: none); the turns after it stay as a branch. */
    void cutAt(int id) {
        set(tree.get().cutAt(id));
    }

    /** Switches to the sibling {@code id}. */
    void select(int id) {
        set(tree.get().select(id));
    }

    /** The head's turn, or null when the conversation is empty. */
    Turn head() {
        ConversationTree t = tree.get();
        return t.isEmpty() ? null : t.turn(t.head());
    }

    /** Edits the text of the path's turn at {@code index} in place. */
    void edit(int index, String text) {
        set(tree.get().withText(tree.get().path().get(index).id(), text));
    }

    /** Removes the path's turn at {@code index}; the turns after it follow. */
    void remove(int index) {
        set(tree.get().remove(tree.get().path().get(index).id()));
    }

    void clear() {
        set(ConversationTree.EMPTY);
    }

    /** The conversation of a recorded run (reopened from the History): its branches when known. */
    void restore(List<Message> recorded, ConversationTree branches) {
        set(branches != null && branches.messages().equals(recorded) ? branches : ConversationTree.of(recorded));
    }
}
