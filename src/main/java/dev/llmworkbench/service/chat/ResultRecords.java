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
        List<Attempt> attempts = new ArrayList<>(o.attempts());
        if (note != null && !attempts.isEmpty()) {
            Attempt a = attempts.get(0);
            attempts.set(0, new Attempt(a.number(), a.httpStatus(), a.errorKind(),
                    a.errorMessage() == null ? note : note + "; " + a.errorMessage(), a.durationMs(), a.backoffMs(),
                    a.partialText(), a.costUsd()));
        }
        return ResultRecord.builder(runId).model(c.model() != null ? c.model() : job.request().model())
                .provider(job.profile().name()).responseText(c.text()).reasoning(c.reasoning())
                .finishReason(c.finishReason()).usage(c.usage()).timing(c.timing())
                .costUsd(o.costUsd() == null ? null : o.costUsd().amount()).attempts(attempts).error(c.error())
                .startedAt(startedAt).endedAt(endedAt);
    }
}
