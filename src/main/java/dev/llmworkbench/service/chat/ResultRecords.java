package dev.llmworkbench.service.chat;

import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ResultRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The one way a request's outcome becomes the result the store keeps, for the playground, compare, bench and batch. */
public final class ResultRecords {
    private ResultRecords() {
    }

    /**
     * The result of {@code o} (response, reasoning, timings, usage, cost, every attempt with the pause before
     * it, a cut attempt's partial text and cost) in run {@code runId}; {@code note} (or null) is said in the
     * first attempt's record (a batch row whose output was cut to what its budget had left).
     */
    public static ResultRecord.Builder from(long runId, ChatJob job, ChatOutcome o, Instant startedAt, Instant endedAt,
                                            String note) {
        Completion c = o.completion();
        List<Attempt> attempts = new ArrayList<>(o.attempts().size());
        long backoff = 0;
        for (dev.llmworkbench.service.chat.Attempt a : o.attempts()) {
            String message = a.errorKind() == null && "ok".equals(a.reason()) ? null : a.reason();
            if (a.number() == 1 && note != null) {
                message = message == null ? note : note + "; " + message;
            }
            attempts.add(new Attempt(a.number(), a.status(), a.errorKind(), message, null, (double) backoff,
                    a.partialText(), a.costUsd()));
            backoff = a.waitMs();
        }
        return ResultRecord.builder(runId).model(c.model() != null ? c.model() : job.request().model())
                .provider(job.profile().name()).responseText(c.text()).reasoning(c.reasoning())
                .finishReason(c.finishReason()).usage(c.usage()).timing(c.timing())
                .costUsd(o.costUsd() == null ? null : o.costUsd().amount()).attempts(attempts).error(c.error())
                .startedAt(startedAt).endedAt(endedAt);
    }
}
