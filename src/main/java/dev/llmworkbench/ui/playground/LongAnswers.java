package dev.llmworkbench.ui.playground;

import dev.llmworkbench.ui.common.MarkdownBlocks;
import dev.llmworkbench.ui.common.MarkdownBlocks.Block;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The Markdown of long answers, parsed off the UI thread (600,000 characters take ~200 ms): the transcript shows
 * such an answer as plain text until its blocks are back. Asked for by text; a parse already under way is not
 * started again. UI thread.
 */
final class LongAnswers {
    /** From this many characters an answer's Markdown is parsed off the UI thread. */
    static final int OFF_THREAD_FROM = 50_000;
    private static final int KEPT = 8;

    private final PlaygroundViewModel vm;
    private final Set<String> parsing = new HashSet<>();
    private final Map<String, List<Block>> parsed = new HashMap<>();

    LongAnswers(PlaygroundViewModel vm) {
        this.vm = vm;
    }

    static boolean isLong(String text) {
        return text.length() >= OFF_THREAD_FROM;
    }

    /** Parses {@code text} off the UI thread, then calls {@code then} on it with the text and its blocks. */
    void parse(String text, BiConsumer<String, List<Block>> then) {
        if (parsing.add(text)) {
            vm.offUiThread("rendering a long answer", () -> MarkdownBlocks.parse(text), blocks -> {
                parsing.remove(text);
                then.accept(text, blocks);
            });
        }
    }

    /** Keeps parsed blocks until a turn of this text takes them (a few at most). */
    void keep(String text, List<Block> blocks) {
        if (parsed.size() >= KEPT) {
            parsed.clear();
        }
        parsed.put(text, blocks);
    }

    /** The blocks kept for this text, handed once; null when there are none. */
    List<Block> take(String text) {
        return parsed.remove(text);
    }
}
