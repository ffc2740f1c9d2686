package dev.llmworkbench.ui.common;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.ui.common.MarkdownBlocks.Block;
import dev.llmworkbench.ui.common.MarkdownBlocks.Span;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * The nodes that show {@link MarkdownBlocks} blocks: prose in the proportional font, inline code and code
 * blocks in the monospaced one, code highlighted ({@link CodeHighlighter}) with a Copy button, tables as grids.
 * Colours come from the theme's {@code -color-*} variables (workbench.css), so light and dark both work.
 * FX thread.
 */
public final class MarkdownNodes {
    private MarkdownNodes() { }

    /** The node of one block. */
    public static Node of(Block b) {
        return switch (b.kind()) {
            case PARAGRAPH -> flow(b.spans(), "md-paragraph", b.continued());
            case HEADING -> flow(b.spans(), "md-h" + Math.min(b.level(), 4), false);
            case ITEM -> item(b);
            case QUOTE -> flow(b.spans(), "md-quote", b.continued());
            case CODE -> code(b);
            case TABLE -> table(b);
            case RULE -> rule();
        };
    }

    /** Plain text in the transcript's prose style (a streaming answer, a prompt, reasoning). */
    public static TextFlow plain(String text, String styleClass) {
        TextFlow f = new TextFlow(text("prose", text));
        f.getStyleClass().addAll("md-block", styleClass);
        return f;
    }

    private static TextFlow flow(List<Span> spans, String styleClass, boolean continued) {
        TextFlow f = new TextFlow(texts(spans).toArray(Node[]::new));
        f.getStyleClass().addAll("md-block", styleClass);
        if (continued) {
            f.getStyleClass().add("md-continued");
        }
        return f;
    }

    private static Node item(Block b) {
        TextFlow f = flow(b.spans(), "md-item", b.continued());
        if (b.marker() != null && !b.marker().isEmpty()) {
            f.getChildren().add(0, text("md-marker", b.marker() + "  "));
        }
        f.setPadding(new Insets(0, 0, 0, 18 * Math.max(0, b.level() - 1) + 6));
        return f;
    }

    private static List<Text> texts(List<Span> spans) {
        List<Text> out = new ArrayList<>();
        for (Span s : spans) {
            Text t = text("prose", s.text());
            if ((s.style() & MarkdownBlocks.BOLD) != 0) {
                t.getStyleClass().add("md-bold");
            }
            if ((s.style() & MarkdownBlocks.ITALIC) != 0) {
                t.getStyleClass().add("md-italic");
            }
            if ((s.style() & MarkdownBlocks.LINK) != 0) {
                t.getStyleClass().add("md-link");
            }
            if ((s.style() & MarkdownBlocks.CODE) != 0) {
                t.getStyleClass().add("md-inline-code");
            }
            out.add(t);
        }
        return out;
    }

    private static Text text(String styleClass, String s) {
        Text t = new Text(s);
        t.getStyleClass().add(styleClass);
        return t;
    }

    private static Node code(Block b) {
        TextFlow codeFlow = new TextFlow();
        for (CodeHighlighter.Piece p : CodeHighlighter.highlight(b.code(), b.language())) {
            Text t = text("code-text", p.text());
            if (!p.styleClass().isEmpty()) {
                t.getStyleClass().add(p.styleClass());
            }
            codeFlow.getChildren().add(t);
        }
        codeFlow.getStyleClass().add("md-code-text");
        VBox box = new VBox(codeFlow);
        box.getStyleClass().addAll("md-block", "md-code");
        if (b.continued()) {
            box.getStyleClass().add("md-continued");
        } else {
            Label lang = new Label(b.language() == null || b.language().isEmpty() ? "code" : b.language());
            lang.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL, "md-code-language");
            Button copy = new Button("Copy");
            copy.getStyleClass().addAll(Styles.FLAT, Styles.SMALL, "md-code-copy");
            copy.setTooltip(new Tooltip("Copy the code"));
            copy.setAccessibleText("Copy the code block");
            copy.setMinWidth(Region.USE_PREF_SIZE);
            copy.setOnAction(e -> copy(b.wholeCode()));
            Region gap = new Region();
            HBox.setHgrow(gap, Priority.ALWAYS);
            HBox head = new HBox(6, lang, gap, copy);
            head.setAlignment(Pos.CENTER_LEFT);
            head.getStyleClass().add("md-code-head");
            box.getChildren().add(0, head);
        }
        return box;
    }

    private static Node table(Block b) {
        GridPane g = new GridPane();
        g.getStyleClass().addAll("md-block", "md-table");
        int columns = b.rows().stream().mapToInt(List::size).max().orElse(0);
        for (int c = 0; c < columns; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setHgrow(Priority.SOMETIMES);
            cc.setMinWidth(40);
            g.getColumnConstraints().add(cc);
        }
        for (int r = 0; r < b.rows().size(); r++) {
            List<List<Span>> row = b.rows().get(r);
            for (int c = 0; c < row.size(); c++) {
                TextFlow cell = new TextFlow(texts(row.get(c)).toArray(Node[]::new));
                cell.getStyleClass().addAll("md-cell", r == 0 ? "md-head-cell" : r % 2 == 0 ? "md-even" : "md-odd");
                cell.setMaxWidth(Double.MAX_VALUE);
                g.add(cell, c, r);
            }
        }
        return g;
    }

    private static Node rule() {
        Region r = new Region();
        r.getStyleClass().addAll("md-block", "md-rule");
        r.setPrefHeight(1);
        r.setMinHeight(1);
        return r;
    }

    /** Puts text on the clipboard. */
    public static void copy(String s) {
        ClipboardContent c = new ClipboardContent();
        c.putString(s);
        Clipboard.getSystemClipboard().setContent(c);
    }
}
