package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.Role;
import dev.llmworkbench.ui.common.MarkdownBlocks;
import dev.llmworkbench.ui.common.MarkdownNodes;
import java.util.Locale;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ListCell;
import javafx.scene.text.Text;

/**
 * A row's node: a streamed or plain block is one {@link Text} that keeps its layout until its text or width
 * changes (cheap to ask again and again); the rest are built for the row. The cell's height is the node's at
 * the list's width, so text wraps and nothing scrolls sideways.
 */
final class TranscriptCell extends ListCell<TranscriptView.Row> {
    private static final PseudoClass USER = PseudoClass.getPseudoClass("user");
    private static final PseudoClass HEADER = PseudoClass.getPseudoClass("header");
    private static final PseudoClass REASONING = PseudoClass.getPseudoClass("reasoning");
    private static final PseudoClass PARAGRAPH = PseudoClass.getPseudoClass("paragraph");
    private final Text plain = new Text();
    private final TranscriptView view;
    private Node content;

    TranscriptCell(TranscriptView view) {
        this.view = view;
        getStyleClass().add("transcript-row");
        setPrefWidth(0);
        setText(null);
    }

    @Override
    protected void updateItem(TranscriptView.Row row, boolean empty) {
        super.updateItem(row, empty);
        pseudoClassStateChanged(USER, !empty && row != null && row.role() == Role.USER);
        pseudoClassStateChanged(HEADER, !empty && row != null && row.kind() == TranscriptView.Kind.HEADER);
        pseudoClassStateChanged(PARAGRAPH, !empty && row != null && plainParagraph(row));
        pseudoClassStateChanged(REASONING, !empty && row != null
                && (row.kind() == TranscriptView.Kind.REASONING || row.kind() == TranscriptView.Kind.TOGGLE));
        if (empty || row == null) {
            content = null;
            setGraphic(null);
            return;
        }
        content = switch (row.kind()) {
            case PLAIN, REASONING -> {
                String t = row.text();
                yield plain(t.endsWith("\n") ? t.substring(0, t.length() - 1) : t,
                        row.kind() == TranscriptView.Kind.REASONING ? "reasoning-text" : "plain-text");
            }
            case BLOCK -> plainParagraph(row) ? plain(row.block().spans().get(0).text(), "paragraph-text")
                    : MarkdownNodes.of(row.block());
            case TOGGLE -> toggle(row);
            case HEADER -> header(row);
        };
        setGraphic(content);
    }

    /**
     * A paragraph of unstyled text (most of a long answer) is shown as the cell's one {@link Text}, like streamed
     * text: laid out once for its width, not as a text flow of runs.
     */
    private static boolean plainParagraph(TranscriptView.Row row) {
        return row.kind() == TranscriptView.Kind.BLOCK && row.block().kind() == MarkdownBlocks.Kind.PARAGRAPH
                && row.block().spans().size() == 1 && row.block().spans().get(0).style() == 0;
    }

    private Text plain(String text, String styleClass) {
        plain.setText(text);
        plain.getStyleClass().setAll("prose", styleClass);
        return plain;
    }

    private Node header(TranscriptView.Row row) {
        if (row.turn() == TranscriptView.LIVE_USER) {
            return TurnHeader.live(true, "", () -> MarkdownNodes.copy(view.livePrompt()));
        }
        if (row.turn() == TranscriptView.LIVE_ANSWER) {
            String status = view.isStreaming() ? "streaming…" : switch (view.viewModel().stateProperty().get()) {
                case STOPPED -> "stopped: not added to the conversation";
                case FAILED -> "failed: not added to the conversation";
                default -> "";
            };
            return TurnHeader.live(false, status, () -> MarkdownNodes.copy(view.liveAnswerText()));
        }
        return TurnHeader.of(view.viewModel(), view.tree(), view.tree().turn(row.turn()));
    }

    private Node toggle(TranscriptView.Row row) {
        boolean shown = view.isReasoningShown(row.turn());
        int chars = row.turn() == TranscriptView.LIVE_ANSWER ? -1 : row.text().length();
        Button b = new Button((shown ? "▾ " : "▸ ") + "Reasoning"
                + (chars < 0 ? "" : String.format(Locale.ROOT, " (%,d characters)", chars)));
        b.getStyleClass().addAll(atlantafx.base.theme.Styles.FLAT, atlantafx.base.theme.Styles.SMALL,
                "reasoning-toggle");
        b.setAccessibleText((shown ? "Hide" : "Show") + " the reasoning of this answer");
        b.setFocusTraversable(false);
        b.setOnAction(e -> view.toggleReasoning(row.turn()));
        return new javafx.scene.layout.HBox(b); // at the left, its own width
    }

    private double width(double width) {
        return (width > 0 ? width : getWidth()) - snappedLeftInset() - snappedRightInset();
    }

    @Override
    protected double computePrefHeight(double width) {
        double w = width(width);
        double h;
        if (content == null) {
            h = 0;
        } else if (content == plain) {
            if (w > 0) {
                plain.setWrappingWidth(w);
            }
            h = plain.getLayoutBounds().getHeight();
        } else {
            h = content.prefHeight(Math.max(w, 1));
        }
        return snapSizeY(h) + snappedTopInset() + snappedBottomInset();
    }

    @Override
    protected double computeMinHeight(double width) {
        return snappedTopInset() + snappedBottomInset();
    }

    @Override
    protected void layoutChildren() {
        double w = width(-1);
        if (content == plain && w > 0) {
            plain.setWrappingWidth(w);
        }
        super.layoutChildren();
        if (content != null && content != plain && w > 0) {
            content.resizeRelocate(snappedLeftInset(), snappedTopInset(), w, content.prefHeight(w));
        }
    }
}
