package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.ItemStatus;

/** An item's status in the words the panel shows: "done", "in flight", "not run"; no status (a filter): "all". */
final class StatusWords {
    private StatusWords() {
    }

    static String of(ItemStatus s) {
        return s == null ? BatchResults.ALL : s.wireName().replace('_', ' ');
    }
}
