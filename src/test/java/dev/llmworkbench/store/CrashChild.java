package dev.llmworkbench.store;

import dev.llmworkbench.domain.Reservation;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.BatchItemRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link KillRecoveryTest}: completes {@code args[2]} items of job {@code args[1]}
 * in the database {@code args[0]}, reporting each on stdout, puts one more in flight, then waits
 * to be killed.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws IOException {
        Database db = Database.open(Path.of(args[0]));
        BatchStore batches = new BatchStore(db);
        String job = args[1];
        int n = Integer.parseInt(args[2]);
        List<BatchItemRecord> pending = batches.pendingItems(job, n + 1);
        for (int i = 0; i < n; i++) {
            BatchItemRecord it = pending.get(i);
            batches.markInFlight(job, it.id(), new Reservation(new BigDecimal("0.01"), 100));
            batches.complete(it.id(), ResultRecord.builder(0).responseText("answer " + it.seq()).build());
            System.out.println("stored " + it.seq());
        }
        BatchItemRecord last = pending.get(n);
        batches.markInFlight(job, last.id(), new Reservation(new BigDecimal("0.25"), 2048));
        System.out.println("in_flight " + last.seq());
        System.out.flush();
        System.in.read(); // never returns before the kill: the parent keeps stdin open
        db.close();
    }
}
