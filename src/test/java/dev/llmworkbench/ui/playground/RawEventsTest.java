package dev.llmworkbench.ui.playground;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RawEventsTest {
    @Test
    void keepsTheFirstAndLastEventsAndSaysHowManyWereLeftOut() {
        RawEvents events = new RawEvents();
        int total = RawEvents.HEAD + RawEvents.TAIL + 500;
        for (int i = 0; i < total; i++) {
            events.add(i * 1_000_000L, "e" + i);
        }
        String[] lines = events.text().split("\n");
        assertThat(lines).hasSize(RawEvents.HEAD + RawEvents.TAIL + 1);
        assertThat(lines[0]).isEqualTo("      0.0 ms  e0");
        assertThat(lines[RawEvents.HEAD]).isEqualTo("… 500 events not shown …");
        assertThat(lines[lines.length - 1]).endsWith("  e" + (total - 1));
    }

    @Test
    void aShortStreamIsKeptWhole() {
        RawEvents events = new RawEvents();
        events.add(1_500_000L, "a");
        events.add(2_000_000L, "[DONE]");
        assertThat(events.text()).isEqualTo("      1.5 ms  a\n      2.0 ms  [DONE]");
    }
}
