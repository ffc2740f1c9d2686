package dev.llmworkbench.service.eval;

import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.store.EvalStore;
import dev.llmworkbench.store.RunStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The evaluation grids in the history, newest first, for reopening one (the desktop's list of previous grids). */
public final class RecentGrids {
    /** A stored grid: its id, its run, the run's title, its status and when it was made. */
    public record Info(String gridId, long runId, String title, String status, Instant createdAt) {
        /** One line: {@code eval tests.csv · done · run 12}. */
        public String describe() {
            return (title == null || title.isBlank() ? gridId : title) + " · " + status + " · run " + runId;
        }
    }

    private final EvalStore evals;
    private final RunStore runs;

    public RecentGrids(EvalStore evals, RunStore runs) {
        this.evals = Objects.requireNonNull(evals);
        this.runs = Objects.requireNonNull(runs);
    }

    /** At most {@code limit} grids, newest first (a grid whose run was deleted is left out). */
    public List<Info> list(int limit) {
        List<Info> out = new ArrayList<>();
        for (EvalStore.GridRecord g : evals.grids()) {
            if (out.size() >= limit) {
                break;
            }
            runs.find(g.runId()).map(RunRecord::title)
                    .ifPresent(title -> out.add(new Info(g.id(), g.runId(), title, g.status(), g.createdAt())));
        }
        return out;
    }
}
