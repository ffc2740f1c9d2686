package dev.llmworkbench.ui.common;

import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Markdown (CommonMark with GFM tables) as a flat list of blocks to show one under the other: paragraphs,
 * headings, list items, quotes, code blocks, tables and rules, each with its inline spans (bold, italic, inline
 * code, links). Math stays as its text. A block of more than {@value #MAX_BLOCK} characters is cut (a paragraph
 * after a sentence or at a space, a code block every {@value #MAX_CODE_LINES} lines) into blocks marked
 * {@code continued}, so that a list shows a huge answer a piece at a time. Pure data: no JavaFX; any thread.
 */
public final class MarkdownBlocks {
    /** A paragraph longer than this is cut into several blocks. */
    public static final int MAX_BLOCK = 2_000;
    /** A code block is shown in pieces of this many lines. */
    public static final int MAX_CODE_LINES = 60;

    public static final int BOLD = 1;
    public static final int ITALIC = 2;
    public static final int CODE = 4;
    public static final int LINK = 8;

    /** A run of text with one style (a sum of {@link #BOLD}, {@link #ITALIC}, {@link #CODE}, {@link #LINK}). */
    public record Span(String text, int style) { }

    public enum Kind { PARAGRAPH, HEADING, ITEM, QUOTE, CODE, TABLE, RULE }

    /**
     * One block. {@code level}: a heading's level, a list item's or quote's depth; {@code marker}: a list item's
     * bullet or number; {@code code}: a code block's piece, {@code wholeCode} its whole text (what Copy takes);
     * {@code rows}: a table's rows of cells (the first row the header); {@code continued}: the piece of a block
     * cut in pieces, after its first.
     */
    public record Block(Kind kind, int level, String marker, List<Span> spans, String language, String code,
                        String wholeCode, List<List<List<Span>>> rows, boolean continued) {
        /** The block's text, without styles. */
        public String plainText() {
            if (kind == Kind.CODE) {
                return code;
            }
            StringBuilder sb = new StringBuilder(marker == null ? "" : marker + " ");
            spans.forEach(s -> sb.append(s.text()));
            for (List<List<Span>> row : rows) {
                List<String> cells = new ArrayList<>();
                for (List<Span> cell : row) {
                    StringBuilder c = new StringBuilder();
                    cell.forEach(s -> c.append(s.text()));
                    cells.add(c.toString());
                }
                sb.append(String.join("\t", cells)).append('\n');
            }
            return sb.toString();
        }
    }

    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    private MarkdownBlocks() { }

    /** The blocks of a Markdown text. */
    public static List<Block> parse(String markdown) {
        List<Block> out = new ArrayList<>();
        blocks(PARSER.parse(markdown == null ? "" : markdown), 0, out);
        return out;
    }

    private static void blocks(Node parent, int depth, List<Block> out) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            block(n, depth, null, out);
        }
    }

    private static void block(Node n, int depth, String marker, List<Block> out) {
        if (n instanceof Paragraph) {
            paragraph(marker != null ? Kind.ITEM : Kind.PARAGRAPH, depth, marker, inlines(n), out);
        } else if (n instanceof Heading h) {
            out.add(new Block(Kind.HEADING, h.getLevel(), null, inlines(n), null, null, null, List.of(), false));
        } else if (n instanceof BulletList || n instanceof OrderedList) {
            int number = n instanceof OrderedList o && o.getMarkerStartNumber() != null ? o.getMarkerStartNumber() : 1;
            for (Node item = n.getFirstChild(); item != null; item = item.getNext()) {
                String m = n instanceof OrderedList ? (number++) + "." : depth % 2 == 0 ? "•" : "◦";
                listItem((ListItem) item, depth + 1, m, out);
            }
        } else if (n instanceof BlockQuote) {
            List<Block> inner = new ArrayList<>();
            blocks(n, depth, inner);
            for (Block b : inner) {
                out.add(b.kind() == Kind.PARAGRAPH ? new Block(Kind.QUOTE, depth + 1, null, b.spans(), null, null,
                        null, List.of(), b.continued()) : b);
            }
        } else if (n instanceof FencedCodeBlock f) {
            String info = f.getInfo() == null ? "" : f.getInfo().trim();
            code(info.isEmpty() ? "" : info.split("\\s+")[0], f.getLiteral(), depth, out);
        } else if (n instanceof IndentedCodeBlock c) {
            code("", c.getLiteral(), depth, out);
        } else if (n instanceof TableBlock) {
            List<List<List<Span>>> rows = new ArrayList<>();
            tableRows(n, rows);
            out.add(new Block(Kind.TABLE, depth, null, List.of(), null, null, null, List.copyOf(rows), false));
        } else if (n instanceof ThematicBreak) {
            out.add(new Block(Kind.RULE, depth, null, List.of(), null, null, null, List.of(), false));
        } else if (n instanceof HtmlBlock h) {
            paragraph(Kind.PARAGRAPH, depth, null, List.of(new Span(h.getLiteral().strip(), CODE)), out);
        } else if (n.getFirstChild() != null) {
            blocks(n, depth, out);
        }
    }

    private static void listItem(ListItem item, int depth, String marker, List<Block> out) {
        String m = marker;
        for (Node c = item.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof Paragraph) {
                block(c, depth, m == null ? "" : m, out);
                m = null; // the item's later paragraphs have no bullet
            } else {
                block(c, depth, null, out);
            }
        }
        if (m != null) { // an empty item
            out.add(new Block(Kind.ITEM, depth, m, List.of(), null, null, null, List.of(), false));
        }
    }

    private static void tableRows(Node n, List<List<List<Span>>> rows) {
        for (Node c = n.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof TableRow) {
                List<List<Span>> cells = new ArrayList<>();
                for (Node cell = c.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (cell instanceof TableCell tc) {
                        cells.add(inlines(tc, tc.isHeader() ? BOLD : 0));
                    }
                }
                rows.add(List.copyOf(cells));
            } else {
                tableRows(c, rows); // the head and the body
            }
        }
    }

    private static void code(String language, String literal, int depth, List<Block> out) {
        String whole = literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
        int from = 0;
        int lines = 0;
        boolean continued = false;
        for (int i = 0; i < whole.length(); i++) {
            if (whole.charAt(i) == '\n' && ++lines == MAX_CODE_LINES) {
                out.add(new Block(Kind.CODE, depth, null, List.of(), language, whole.substring(from, i), whole,
                        List.of(), continued));
                from = i + 1;
                lines = 0;
                continued = true;
            }
        }
        out.add(new Block(Kind.CODE, depth, null, List.of(), language, whole.substring(from), whole, List.of(),
                continued));
    }

    /** A paragraph, cut into pieces of at most about {@link #MAX_BLOCK} characters. */
    private static void paragraph(Kind kind, int depth, String marker, List<Span> spans, List<Block> out) {
        int total = spans.stream().mapToInt(s -> s.text().length()).sum();
        if (total <= MAX_BLOCK) {
            out.add(new Block(kind, depth, marker, spans, null, null, null, List.of(), false));
            return;
        }
        List<Span> piece = new ArrayList<>();
        int size = 0;
        boolean continued = false;
        for (Span s : spans) {
            String t = s.text();
            while (size + t.length() > MAX_BLOCK) {
                int cut = cutPoint(t, MAX_BLOCK - size);
                if (cut <= 0 && !piece.isEmpty()) {
                    cut = 0;
                } else if (cut <= 0) {
                    cut = Math.min(t.length(), MAX_BLOCK);
                }
                if (cut > 0) {
                    piece.add(new Span(t.substring(0, cut), s.style()));
                }
                out.add(new Block(kind, depth, continued ? null : marker, List.copyOf(piece), null, null, null,
                        List.of(), continued));
                continued = true;
                piece.clear();
                size = 0;
                t = t.substring(cut);
            }
            if (!t.isEmpty()) {
                piece.add(new Span(t, s.style()));
                size += t.length();
            }
        }
        if (!piece.isEmpty()) {
            out.add(new Block(kind, depth, continued ? null : marker, List.copyOf(piece), null, null, null, List.of(),
                    continued));
        }
    }

    /** Where to cut {@code t} within its first {@code room} characters: after a sentence, else a space; 0: none. */
    private static int cutPoint(String t, int room) {
        int limit = Math.min(room, t.length());
        int space = -1;
        for (int i = limit - 1; i > 0; i--) {
            char c = t.charAt(i);
            if (c == ' ' && i > 0 && ".!?".indexOf(t.charAt(i - 1)) >= 0) {
                return i + 1;
            }
            if ("。！？".indexOf(c) >= 0) {
                return i + 1;
            }
            if (c == ' ' && space < 0) {
                space = i + 1;
            }
            if (limit - i > 500 && space > 0) {
                break; // no sentence end near: the last space
            }
        }
        return space;
    }

    private static List<Span> inlines(Node n) {
        return inlines(n, 0);
    }

    private static List<Span> inlines(Node n, int style) {
        List<Span> out = new ArrayList<>();
        inline(n, style, out);
        return merge(out);
    }

    private static void inline(Node parent, int style, List<Span> out) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Text t) {
                out.add(new Span(t.getLiteral(), style));
            } else if (n instanceof Code c) {
                out.add(new Span(c.getLiteral(), style | CODE));
            } else if (n instanceof Emphasis) {
                inline(n, style | ITALIC, out);
            } else if (n instanceof StrongEmphasis) {
                inline(n, style | BOLD, out);
            } else if (n instanceof Link) {
                inline(n, style | LINK, out);
            } else if (n instanceof Image) {
                inline(n, style | ITALIC, out); // its alternative text
            } else if (n instanceof SoftLineBreak) {
                out.add(new Span(" ", style));
            } else if (n instanceof HardLineBreak) {
                out.add(new Span("\n", style));
            } else if (n instanceof HtmlInline h) {
                out.add(new Span(h.getLiteral(), style | CODE));
            } else {
                inline(n, style, out);
            }
        }
    }

    /** Neighbouring spans of one style as one. */
    private static List<Span> merge(List<Span> spans) {
        List<Span> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int style = -1;
        for (Span s : spans) {
            if (s.style() != style && sb.length() > 0) {
                out.add(new Span(sb.toString(), style));
                sb.setLength(0);
            }
            style = s.style();
            sb.append(s.text());
        }
        if (sb.length() > 0) {
            out.add(new Span(sb.toString(), style));
        }
        return List.copyOf(out);
    }
}
