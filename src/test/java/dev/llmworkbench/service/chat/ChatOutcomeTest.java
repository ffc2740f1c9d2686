package dev.llmworkbench.service.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.Completion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13 item 12: after a run, the Playground says what its retries were, not only "attempts 2". */
class ChatOutcomeTest {
    private static ChatOutcome withAttempts(Attempt... as) {
        Completion c = new Completion("id", "m", "answer", "", List.of(), "stop", null, null, null, 200, Map.of());
        return new ChatOutcome(c, null, null, List.of(as), 0, 0, null);
    }

    @Test
    void theRetriesAreSaidWithWhyAndHowLongTheyWaited() {
        assertThat(withAttempts(new Attempt(1, 200, null, null, 80.0, 0.0)).retryText()).isEmpty();
        assertThat(withAttempts(new Attempt(1, 429, "rate_limited", "retry in 0.3 s", 5.0, 0.0),
                new Attempt(2, 200, null, null, 80.0, 312.0)).retryText())
                .isEqualTo("retried after HTTP 429 (waited 0.3 s)");
        assertThat(withAttempts(new Attempt(1, 429, "rate_limited", null, 5.0, 0.0),
                new Attempt(2, 200, "network", "stream cut", 40.0, 300.0),
                new Attempt(3, 200, null, null, 80.0, 1_100.0)).retryText())
                .isEqualTo("retried 2 times: after HTTP 429 (waited 0.3 s), after network (waited 1.1 s)");
    }
}
