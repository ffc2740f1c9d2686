package dev.llmworkbench.ui.playground;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.playground.ConversationTree;
import dev.llmworkbench.service.playground.ConversationTree.Turn;
import dev.llmworkbench.ui.common.MarkdownNodes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The header of a turn in the transcript: who speaks, the answer's figures (TTFT, tokens, cost), the branch
 * switcher "‹ 2/3 ›" when the turn has alternatives, and its actions: Copy, Edit (a prompt), Regenerate (the
 * last answer) and Branch. FX thread.
 */
final class TurnHeader {
    private TurnHeader() { }

    /** The header of a turn of the conversation. */
    static Node of(PlaygroundViewModel vm, ConversationTree tree, Turn t) {
        boolean user = t.role() == Role.USER;
        List<Node> actions = new ArrayList<>();
        List<Turn> siblings = tree.siblings(t.id());
        if (siblings.size() > 1) {
            int at = siblings.indexOf(t);
            Button prev = button("‹", "branch-prev", "The previous alternative of this turn",
                    () -> vm.switchBranch(t.id(), -1));
            prev.setDisable(at == 0);
            Label pos = new Label((at + 1) + "/" + siblings.size());
            pos.getStyleClass().addAll(Styles.TEXT_SMALL, "branch-position");
            pos.setMinWidth(Region.USE_PREF_SIZE);
            Button next = button("›", "branch-next", "The next alternative of this turn",
                    () -> vm.switchBranch(t.id(), 1));
            next.setDisable(at == siblings.size() - 1);
            HBox switcher = new HBox(0, prev, pos, next);
            switcher.setAlignment(Pos.CENTER);
            switcher.getStyleClass().add("branch-switcher");
            actions.add(switcher);
        }
        actions.add(button("Copy", "turn-copy", "Copy this turn's text", () -> MarkdownNodes.copy(t.text())));
        if (user) {
            actions.add(button("Edit", "turn-edit", "Edit this prompt and send it: a new branch, this one kept",
                    () -> edit(vm, t)));
        } else if (t.id() == tree.head()) {
            actions.add(button("Regenerate", "turn-regenerate", "Answer again: a new branch, this answer kept",
                    vm::regenerate));
        }
        actions.add(button("Branch", "turn-branch", user
                ? "Branch before this prompt: it goes back to the editor, the turns after it are kept"
                : "Continue from this answer: the turns after it are kept as a branch", () -> vm.branchFrom(t.id())));
        // no branching while a run is in flight: its answer follows the conversation as it was sent
        javafx.beans.binding.BooleanBinding running = vm.stateProperty().isEqualTo(PlaygroundViewModel.State.RUNNING);
        for (Node n : actions) {
            if (!n.getStyleClass().contains("turn-copy")) {
                n.disableProperty().bind(running);
            }
        }
        return header(user ? "You" : "Assistant", user ? "" : figures(t), actions, user);
    }

    /** The header of the turns of the run in flight (or of a run that was not added: stopped, failed, reopened). */
    static Node live(boolean user, String status, Runnable copy) {
        return header(user ? "You" : "Assistant", status,
                List.of(button("Copy", "turn-copy", "Copy this turn's text", copy)), user);
    }

    private static Node header(String who, String figures, List<Node> actions, boolean user) {
        Label role = new Label(who);
        role.getStyleClass().addAll(Styles.TEXT_BOLD, "turn-role", user ? "turn-role-user" : "turn-role-assistant");
        role.setMinWidth(Region.USE_PREF_SIZE);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(4);
        top.getChildren().addAll(role, gap);
        top.getChildren().addAll(actions);
        top.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(0, top);
        if (!figures.isEmpty()) { // a line of its own: never cut to "…" by the actions beside it
            Label fig = new Label(figures);
            fig.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL, "turn-figures");
            fig.setWrapText(true);
            box.getChildren().add(fig);
        }
        box.getStyleClass().add("turn-header");
        return box;
    }

    private static Button button(String text, String styleClass, String tip, Runnable action) {
        Button b = new Button(text);
        b.getStyleClass().addAll(Styles.FLAT, Styles.SMALL, styleClass);
        b.setTooltip(new Tooltip(tip));
        b.setAccessibleText(tip);
        b.setMinWidth(Region.USE_PREF_SIZE);
        b.setFocusTraversable(false);
        b.setOnAction(e -> action.run());
        return b;
    }

    /** "TTFT 312 ms · 1,234 tokens · $0.0012", what is known of it. */
    static String figures(Turn t) {
        List<String> parts = new ArrayList<>();
        if (t.ttftMs() != null) {
            parts.add("TTFT " + String.format(Locale.ROOT, "%,.0f ms", t.ttftMs()));
        }
        if (t.tokensOut() != null) {
            parts.add(String.format(Locale.ROOT, "%,d tokens", t.tokensOut()));
        }
        if (t.costUsd() != null) {
            BigDecimal c = t.costUsd();
            int scale = c.signum() != 0 && c.compareTo(new BigDecimal("0.01")) < 0 ? 4 : 2;
            parts.add("$" + c.setScale(scale, RoundingMode.HALF_UP).toPlainString());
        }
        return String.join(" · ", parts);
    }

    /** Edits a prompt in a multi-line editor; Send runs it as a new branch. */
    private static void edit(PlaygroundViewModel vm, Turn t) {
        Dialog<String> d = new Dialog<>();
        d.setTitle("Edit the prompt");
        d.setHeaderText("Send the edited prompt as a new branch; the original and its answers are kept.");
        TextArea area = new TextArea(t.text());
        area.setId("edit-turn-text");
        area.setWrapText(true);
        area.setPrefSize(560, 260);
        d.getDialogPane().setContent(area);
        ButtonType send = new ButtonType("Send", ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(send, ButtonType.CANCEL);
        d.setResizable(true);
        d.setResultConverter(bt -> bt == send ? area.getText() : null);
        d.setOnShown(e -> area.requestFocus());
        d.showAndWait().filter(s -> !s.isBlank()).ifPresent(s -> vm.editAndRun(t.id(), s));
    }
}
