package dev.llmworkbench.ui.playground;

import java.util.ArrayList;
import java.util.List;

/**
 * Streamed text cut into blocks for a virtualized list, as {@link OutputTextView} cuts it: at line breaks, and
 * within a long paragraph after a sentence once the block passed {@value #SOFT_BLOCK} characters, at a space
 * after {@value #HARD_BLOCK}. An append changes only the last block and adds new ones. The blocks concatenated
 * are exactly the text. Not thread-safe (the FX thread).
 */
final class TextBlocks {
    static final int SOFT_BLOCK = 1_500;
    static final int HARD_BLOCK = 4_000;

    private final List<String> blocks = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder open = new StringBuilder();

    /** The blocks of a whole text at once. */
    static List<String> of(String s) {
        TextBlocks b = new TextBlocks();
        b.append(s);
        return b.blocks();
    }

    /** Appends text; returns the index of the first block that changed (the blocks from there on are new or changed). */
    int append(String s) {
        int first = Math.max(0, blocks.size() - 1);
        if (s == null || s.isEmpty()) {
            return blocks.size();
        }
        text.append(s);
        if (!blocks.isEmpty()) {
            blocks.remove(blocks.size() - 1); // the open block, rebuilt below
        }
        int from = 0;
        while (from < s.length()) {
            int nl = s.indexOf('\n', from);
            int end = nl < 0 ? s.length() : nl + 1;
            open.append(s, from, end);
            cutLongBlocks();
            if (nl >= 0) {
                blocks.add(open.toString());
                open.setLength(0);
            }
            from = end;
        }
        blocks.add(open.toString());
        return first;
    }

    private void cutLongBlocks() {
        while (open.length() > SOFT_BLOCK) {
            int cut = sentenceEnd();
            if (cut < 0 && open.length() > HARD_BLOCK) {
                int space = open.lastIndexOf(" ");
                cut = space > 0 ? space + 1 : HARD_BLOCK;
            }
            if (cut < 0) {
                return;
            }
            blocks.add(open.substring(0, cut));
            open.delete(0, cut);
        }
    }

    private int sentenceEnd() {
        for (int i = SOFT_BLOCK; i < open.length(); i++) {
            char c = open.charAt(i - 1);
            if ((c == '.' || c == '!' || c == '?') && open.charAt(i) == ' ') {
                return i + 1;
            }
            if (c == '。' || c == '！' || c == '？') {
                return i;
            }
        }
        return -1;
    }

    /** The blocks (a copy); empty before any text. */
    List<String> blocks() {
        return List.copyOf(blocks);
    }

    int size() {
        return blocks.size();
    }

    String block(int i) {
        return blocks.get(i);
    }

    String text() {
        return text.toString();
    }

    int length() {
        return text.length();
    }

    boolean isEmpty() {
        return text.length() == 0;
    }

    void clear() {
        blocks.clear();
        text.setLength(0);
        open.setLength(0);
    }
}
