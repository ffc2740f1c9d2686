package dev.llmworkbench.store;

import dev.llmworkbench.domain.Reservation;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Batch jobs and their items, crash-safe. The life of an item:
 * {@code pending → in_flight → done | failed}, or {@code not_run}, or {@code invalid} from the start.
 * <ul>
 *   <li>{@link #complete} stores the result and moves the item in ONE transaction: an item has a stored
 *       result exactly when it is {@code done} or {@code failed}, and at most one (a unique index).</li>
 *   <li>{@link #pendingItems} never returns an item that has a stored result.</li>
 *   <li>After a crash, {@link #resumeRecovery} puts items left {@code in_flight} back to {@code pending}
 *       and reports their reservations, which the caller counts as spent.</li>
 * </ul>
 * Thread-safe; every method is one short committed transaction.
 */
public final class BatchStore {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** What {@link #resumeRecovery} found: the requeued items and the sum of their reservations. */
    public record Recovery(List<BatchItemRecord> requeued, Reservation reserved) {
        public Recovery {
            requeued = List.copyOf(requeued);
        }
    }

    /** An item with its stored result, or a null result. */
    public record ItemResult(BatchItemRecord item, ResultRecord result) {
    }

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** The last time {@link #stamp} gave. */
    private final java.util.concurrent.atomic.AtomicLong lastStamp = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    public BatchStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public BatchStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * The clock's time, never less than the last one given: the times items carry and the cursors of
     * {@link #changedSince} keep their order even when the clock steps back (a time server).
     */
    private long stamp() {
        long now = clock.millis();
        return lastStamp.accumulateAndGet(now, Math::max);
    }

    /** How much row text a job's insert holds before it is sent to the database. */
    private static final long BATCH_CHARS = 4L * 1024 * 1024;

    /**
     * Creates a job (status {@code pending}) with all its items in one transaction; item {@code seq}
     * is its index in {@code items}. The items are taken one at a time (they may be read from a file as
     * they are stored); an exception from them rolls the whole job back. The run must exist.
     */

    public BatchJobRecord createJob(long runId, String inputPath, String outputPath, String format,
                                    String settingsJson, Iterable<BatchItemRecord.New> items) {
        Redactor red = db.redactor();
        String settings = settingsJson == null || settingsJson.isBlank() ? "{}" : red.json(settingsJson);
        String id = db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            String jobId = uniqueId(c, now);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO batch_jobs (id, run_id, input_path, output_path, format, settings_json, status,
                      created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, jobId);
                ps.setLong(2, runId);
                ps.setString(3, inputPath);
                ps.setString(4, outputPath);
                ps.setString(5, format);
                ps.setString(6, settings);
                ps.setString(7, JobStatus.PENDING.wireName());
                ps.setLong(8, now);
                ps.setLong(9, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO batch_items (job_id, seq, line, request_id, status, row_json, invalid_reason,
                      updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                int seq = 0;
                long pendingChars = 0;
                for (BatchItemRecord.New it : items) {
                    String rowJson = red.json(it.rowJson());
                    ps.setString(1, jobId);
                    ps.setInt(2, seq++);
                    Jdbc.setInt(ps, 3, it.line());
                    ps.setString(4, it.requestId());
                    ps.setString(5, (it.invalidReason() == null ? ItemStatus.PENDING : ItemStatus.INVALID).wireName());
                    ps.setString(6, rowJson);
                    ps.setString(7, red.text(it.invalidReason()));
                    ps.setLong(8, now);
                    ps.addBatch();
                    pendingChars += rowJson == null ? 0 : rowJson.length();
                    // the items are read one at a time (a file streamed in): the batch never holds many big rows
                    if (seq % 1000 == 0 || pendingChars > BATCH_CHARS) {
                        ps.executeBatch();
                        pendingChars = 0;
                    }
                }
                ps.executeBatch();
            }
            return jobId;
        });
        return findJob(id).orElseThrow();
    }

    private String uniqueId(Connection c, long nowMillis) throws SQLException {
        String day = DAY.format(Instant.ofEpochMilli(nowMillis));
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM batch_jobs WHERE id = ?")) {
            while (true) {
                byte[] b = new byte[3];
                random.nextBytes(b);
                String id = "b-" + day + "-" + HexFormat.of().formatHex(b);
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return id;
                    }
                }
            }
        }
    }

    public Optional<BatchJobRecord> findJob(String jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM batch_jobs WHERE id = ?")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapJob(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The job recorded into this run, if any. */
    public Optional<BatchJobRecord> findJobByRun(long runId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM batch_jobs WHERE run_id = ? ORDER BY created_at DESC LIMIT 1")) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapJob(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every job, newest first. */
    public List<BatchJobRecord> listJobs() {
        return jobs("SELECT * FROM batch_jobs ORDER BY created_at DESC, id DESC");
    }

    /** Returns whether the job exists. */
    public boolean updateJobStatus(String jobId, JobStatus status) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE batch_jobs SET status = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status.wireName());
                ps.setLong(2, stamp());
                ps.setString(3, jobId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * Call once at start-up, before any job runs in this process: jobs still {@code running} or
     * {@code paused} were left so by a process that died; they become {@code interrupted} and are returned
     * (to offer resuming them). Two processes sharing a database must not both call this while one runs a job.
     */
    public List<BatchJobRecord> markInterrupted() {
        db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE batch_jobs SET status = 'interrupted', updated_at = ? WHERE status IN ('running', 'paused')"
                            + LIVE_ONLY)) {
                ps.setLong(1, now);
                return ps.executeUpdate();
            }
        });
        return interruptedJobs();
    }

    /**
     * Jobs in state {@code interrupted}, newest first: live jobs only. A provider batch job is never offered to the
     * live engine (it would send its rows again from this machine); {@code batch --resume} goes on polling it.
     */
    public List<BatchJobRecord> interruptedJobs() {
        return jobs("SELECT * FROM batch_jobs WHERE status = 'interrupted'" + LIVE_ONLY
                + " ORDER BY created_at DESC, id DESC");
    }

    /** The jobs the live engine runs ({@code engine} {@code live}, or unset before migration 7 set it). */
    private static final String LIVE_ONLY = " AND (engine IS NULL OR engine <> '" + RemoteShardStore.PROVIDER_BATCH + "')";

    /**
     * Marks pending items in flight without a reservation; returns how many moved (items not
     * {@code pending}, e.g. already done, are left alone).
     */
    public int markInFlight(String jobId, Collection<Long> itemIds) {
        return db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            int moved = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'in_flight', reserved_usd = '0', reserved_tokens = 0,
                      updated_at = ? WHERE id = ? AND job_id = ? AND status = 'pending'""")) {
                for (long id : itemIds) {
                    ps.setLong(1, now);
                    ps.setLong(2, id);
                    ps.setString(3, jobId);
                    moved += ps.executeUpdate();
                }
            }
            return moved;
        });
    }

    /** One item to mark in flight with its reservation, for {@link #markInFlightAll}. */
    public record Launch(long itemId, Reservation reservation) {
    }

    /**
     * Marks several pending items in flight in ONE transaction; returns, in order, whether each one
     * moved (an item that was not {@code pending} did not, and must not be sent).
     */
    public boolean[] markInFlightAll(String jobId, List<Launch> launches) {
        boolean[] moved = new boolean[launches.size()];
        if (launches.isEmpty()) {
            return moved;
        }
        db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'in_flight', reserved_usd = ?, reserved_tokens = ?,
                      updated_at = ? WHERE id = ? AND job_id = ? AND status = 'pending'""")) {
                for (int i = 0; i < launches.size(); i++) {
                    Launch l = launches.get(i);
                    ps.setString(1, l.reservation().usd().toPlainString());
                    ps.setLong(2, l.reservation().tokens());
                    ps.setLong(3, now);
                    ps.setLong(4, l.itemId());
                    ps.setString(5, jobId);
                    moved[i] = ps.executeUpdate() > 0;
                }
            }
            return null;
        });
        return moved;
    }

    /**
     * Marks one pending item in flight with what the budget reserved for it; returns false when the item
     * was not {@code pending} (then nothing changed and it must not be sent).
     */
    public boolean markInFlight(String jobId, long itemId, Reservation reservation) {
        Objects.requireNonNull(reservation, "reservation");
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'in_flight', reserved_usd = ?, reserved_tokens = ?,
                      updated_at = ? WHERE id = ? AND job_id = ? AND status = 'pending'""")) {
                ps.setString(1, reservation.usd().toPlainString());
                ps.setLong(2, reservation.tokens());
                ps.setLong(3, stamp());
                ps.setLong(4, itemId);
                ps.setString(5, jobId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * Stores the item's result and sets it {@code done} (no error) or {@code failed} (an error), in one
     * transaction, committed on return. The result is recorded into the job's run whatever its runId says.
     *
     * @return the stored result, with its id
     * @throws IllegalStateException when the item does not exist, is invalid, or already has a result
     */
    public ResultRecord complete(long itemId, ResultRecord result) {
        return complete(itemId, result.succeeded() ? ItemStatus.DONE : ItemStatus.FAILED, result);
    }

    /** As {@link #complete(long, ResultRecord)} with an explicit final status ({@code done} or {@code failed}). */
    public ResultRecord complete(long itemId, ItemStatus status, ResultRecord result) {
        if (!status.hasResult()) {
            throw new IllegalArgumentException("an item with a result is done or failed, not " + status.wireName());
        }
        return db.write(c -> completeIn(c, itemId, status, result, stamp()));
    }

    /** One item's result for {@link #completeAll}. */
    public record Completed(long itemId, ResultRecord result) {
    }

    /**
     * Stores several items' results in ONE transaction (group commit), committed on return; each item
     * becomes {@code done} or {@code failed} as {@link #complete(long, ResultRecord)} does. An item that
     * cannot take a result (already has one, invalid, missing) is skipped and reported in the returned
     * list as null, without failing the others.
     */
    public List<ResultRecord> completeAll(List<Completed> results) {
        if (results.isEmpty()) {
            return List.of();
        }
        return db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            List<ResultRecord> stored = new ArrayList<>(results.size());
            for (Completed r : results) {
                // an item that cannot take a result changes nothing (completeIn writes only once it can): no
                // savepoint per item is needed to leave the others' writes whole
                ItemStatus st = r.result().succeeded() ? ItemStatus.DONE : ItemStatus.FAILED;
                try {
                    stored.add(completeIn(c, r.itemId(), st, r.result(), now));
                } catch (IllegalStateException e) {
                    stored.add(null);
                }
            }
            return stored;
        });
    }

    /**
     * Moves the item to {@code status} and stores its result, or throws {@link IllegalStateException} having written
     * nothing when the item is missing or cannot take a result (it has one, or it is invalid). One conditional
     * update (which also gives the item's run) and the insert: a result is the store's most frequent write.
     */
    private ResultRecord completeIn(Connection c, long itemId, ItemStatus status, ResultRecord result, long now)
            throws SQLException {
        Long runId = null;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE batch_items SET status = ?, reserved_usd = NULL, reserved_tokens = NULL, updated_at = ?
                WHERE id = ? AND status NOT IN ('done', 'failed', 'invalid')
                RETURNING (SELECT j.run_id FROM batch_jobs j WHERE j.id = batch_items.job_id)""")) {
            ps.setString(1, status.wireName());
            ps.setLong(2, now);
            ps.setLong(3, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    runId = rs.getLong(1);
                }
            }
        }
        if (runId == null) {
            throw new IllegalStateException(cannotTakeAResult(c, itemId));
        }
        ResultRecord stored = result.toBuilder().id(null).runId(runId).itemId(itemId).build();
        long id = ResultStore.insert(c, db.redactor(), stored);
        return stored.withId(id);
    }

    /** Why an item took no result: it is missing, or its state takes none. */
    private static String cannotTakeAResult(Connection c, long itemId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM batch_items WHERE id = ?")) {
            ps.setLong(1, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? "batch item " + itemId + " is " + ItemStatus.parse(rs.getString(1)).wireName()
                        + ": it cannot take a result" : "no batch item " + itemId;
            }
        }
    }

    /** Puts an in-flight item back to pending (it was not sent after all, e.g. on pause); returns whether it moved. */
    public boolean release(long itemId) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'pending', reserved_usd = NULL, reserved_tokens = NULL,
                      updated_at = ? WHERE id = ? AND status = 'in_flight'""")) {
                ps.setLong(1, stamp());
                ps.setLong(2, itemId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * Which engine runs the job: {@link RemoteShardStore#LIVE} (this machine) or {@link RemoteShardStore#PROVIDER_BATCH}
     * (a provider's batch service); empty when there is no such job.
     */
    public Optional<String> engine(String jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT engine FROM batch_jobs WHERE id = ?")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1) == null ? RemoteShardStore.LIVE : rs.getString(1))
                            : Optional.empty();
                }
            }
        });
    }

    /** Marks every {@code pending} item of the job {@code not_run} (budget spent, cancelled); returns how many. */
    public int markNotRun(String jobId) {
        return moveAll(jobId, ItemStatus.PENDING, ItemStatus.NOT_RUN);
    }

    /**
     * Marks these items {@code not_run} when they are {@code pending} or {@code in_flight}, adding what each was
     * billed (a request cancelled mid-stream; zero or absent: nothing) to the item's {@code billedUsd}; returns how
     * many moved.
     */
    public int markNotRun(String jobId, Map<Long, BigDecimal> billed) {
        return db.write(c -> {
            long now = stamp();
            int moved = 0;
            try (PreparedStatement read = c.prepareStatement("SELECT billed_usd FROM batch_items WHERE id = ? AND job_id = ?");
                 PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'not_run', reserved_usd = NULL, reserved_tokens = NULL,
                      billed_usd = ?, updated_at = ? WHERE id = ? AND job_id = ? AND status IN ('pending', 'in_flight')""")) {
                for (Map.Entry<Long, BigDecimal> e : billed.entrySet()) {
                    BigDecimal sum = null;
                    read.setLong(1, e.getKey());
                    read.setString(2, jobId);
                    try (ResultSet rs = read.executeQuery()) {
                        if (rs.next()) {
                            sum = Jdbc.getDecimal(rs, "billed_usd");
                        }
                    }
                    BigDecimal add = e.getValue();
                    if (add != null && add.signum() > 0) {
                        sum = sum == null ? add : sum.add(add);
                    }
                    Jdbc.setDecimal(ps, 1, sum);
                    ps.setLong(2, now);
                    ps.setLong(3, e.getKey());
                    ps.setString(4, jobId);
                    moved += ps.executeUpdate();
                }
            }
            return moved;
        });
    }

    /** Marks these items {@code not_run} when they are {@code pending} or {@code in_flight}; returns how many. */
    public int markNotRun(String jobId, Collection<Long> itemIds) {
        return db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            int moved = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'not_run', reserved_usd = NULL, reserved_tokens = NULL,
                      updated_at = ? WHERE id = ? AND job_id = ? AND status IN ('pending', 'in_flight')""")) {
                for (long id : itemIds) {
                    ps.setLong(1, now);
                    ps.setLong(2, id);
                    ps.setString(3, jobId);
                    moved += ps.executeUpdate();
                }
            }
            return moved;
        });
    }

    /**
     * Puts the job's {@code failed} items back to {@code pending} and deletes their results, in one
     * transaction, so a run retries the failed items only; returns how many.
     */
    public int requeueFailed(String jobId) {
        return db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM results WHERE item_id IN
                      (SELECT id FROM batch_items WHERE job_id = ? AND status = 'failed')""")) {
                ps.setString(1, jobId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'pending', reserved_usd = NULL, reserved_tokens = NULL,
                      updated_at = ? WHERE job_id = ? AND status = 'failed'""")) {
                ps.setLong(1, now);
                ps.setString(2, jobId);
                return ps.executeUpdate();
            }
        });
    }

    /** Puts the job's {@code not_run} items back to {@code pending} (to resume with a new budget); returns how many. */
    public int requeueNotRun(String jobId) {
        return moveAll(jobId, ItemStatus.NOT_RUN, ItemStatus.PENDING);
    }

    private int moveAll(String jobId, ItemStatus from, ItemStatus to) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = ?, reserved_usd = NULL, reserved_tokens = NULL, updated_at = ?
                    WHERE job_id = ? AND status = ?""")) {
                ps.setString(1, to.wireName());
                ps.setLong(2, stamp());
                ps.setString(3, jobId);
                ps.setString(4, from.wireName());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * After a crash, before resuming: items left {@code in_flight} go back to {@code pending} (an item that
     * somehow has a result is set to match it instead), in one transaction. The returned reservations
     * are those of the requeued items: count them as spent.
     */
    public Recovery resumeRecovery(String jobId) {
        return db.write(c -> {
            long now = stamp(); // under the write lock: times follow the commits' order
            List<BatchItemRecord> stuck = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT * FROM batch_items i WHERE job_id = ? AND status = 'in_flight'
                    AND NOT EXISTS (SELECT 1 FROM results r WHERE r.item_id = i.id) ORDER BY seq""")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stuck.add(mapItem(rs));
                    }
                }
            }
            // Defensive: complete() moves item and result together, so this should find nothing.
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = CASE WHEN (SELECT r.error_kind FROM results r
                      WHERE r.item_id = batch_items.id) IS NULL THEN 'done' ELSE 'failed' END,
                      reserved_usd = NULL, reserved_tokens = NULL, updated_at = ?
                    WHERE job_id = ? AND status NOT IN ('done', 'failed')
                    AND EXISTS (SELECT 1 FROM results r WHERE r.item_id = batch_items.id)""")) {
                ps.setLong(1, now);
                ps.setString(2, jobId);
                ps.executeUpdate();
            }
            Reservation total = Reservation.NONE;
            List<BatchItemRecord> requeued = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'pending', reserved_usd = NULL, reserved_tokens = NULL,
                      updated_at = ? WHERE id = ?""")) {
                for (BatchItemRecord it : stuck) {
                    total = total.plus(it.reservation());
                    ps.setLong(1, now);
                    ps.setLong(2, it.id());
                    ps.executeUpdate();
                    requeued.add(new BatchItemRecord(it.id(), it.jobId(), it.seq(), it.line(), it.requestId(),
                            ItemStatus.PENDING, it.rowJson(), it.invalidReason(), Reservation.NONE, it.billedUsd()));
                }
            }
            return new Recovery(requeued, total);
        });
    }

    /** Up to {@code limit} items to send, in input order: {@code pending} and without a stored result. */
    public List<BatchItemRecord> pendingItems(String jobId, int limit) {
        return items("""
                SELECT * FROM batch_items i WHERE job_id = ? AND status = 'pending'
                AND NOT EXISTS (SELECT 1 FROM results r WHERE r.item_id = i.id) ORDER BY seq LIMIT ?""",
                jobId, limit);
    }

    /** Every item of the job, in input order. */
    public List<BatchItemRecord> items(String jobId) {
        return items("SELECT * FROM batch_items WHERE job_id = ? ORDER BY seq LIMIT ?", jobId, Integer.MAX_VALUE);
    }

    public Optional<BatchItemRecord> item(long itemId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM batch_items WHERE id = ?")) {
                ps.setLong(1, itemId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapItem(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every item with its result (null when none), in input order: what an export walks through. */
    public List<ItemResult> itemsWithResults(String jobId) {
        return db.read(c -> itemsWithResults(c, jobId, Long.MIN_VALUE));
    }

    /** How many items {@link #forEachItemWithResult} reads under the lock at a time. */
    static final int PAGE = 500;

    /**
     * Every item with its result, in input order, handed to {@code each} one at a time: the way through a
     * big job (an export, a summary) that holds no more than a page of items. The pages are read under the
     * database's lock, {@code each} runs outside it (it may use the store); an item that changes while the
     * walk goes on is seen as it was when its page was read.
     */
    public void forEachItemWithResult(String jobId, Consumer<ItemResult> each) {
        long after = -1; // seq starts at 0
        while (true) {
            long from = after;
            List<ItemResult> page = db.read(c -> {
                List<ItemResult> out = new ArrayList<>(PAGE);
                scan(c, jobId, Long.MIN_VALUE, from, PAGE, out::add);
                return out;
            });
            page.forEach(each);
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1).item().seq();
        }
    }

    /** The items {@link #changedSince} found, in input order, and the cursor to pass next time. */
    public record Changes(List<ItemResult> items, long next) {
        public Changes {
            items = List.copyOf(items);
        }
    }

    /**
     * The items of a job (with their results) that changed since {@code cursor}, a value from a previous
     * call's {@link Changes#next()} ({@link Long#MIN_VALUE}: every item); a reader that follows a running
     * job this way reads what changed, not the whole job. Exact within this process: every write takes its
     * time under the database's lock, which reads take too, and the times never go back (a clock that
     * steps back is held at the last time given), so whatever commits after a read carries a time at or
     * after that read's cursor (an item changed in the same millisecond comes twice). A cursor ahead of
     * this store's time (from another process or session) reads every item. Writes of another process (a
     * command-line batch on the same file) are not ordered with this one's reads: read them all.
     */
    public Changes changedSince(String jobId, long cursor) {
        return db.read(c -> {
            long now = stamp();
            long since = now < cursor ? Long.MIN_VALUE : cursor;
            return new Changes(itemsWithResults(c, jobId, since), now);
        });
    }

    private static List<ItemResult> itemsWithResults(Connection c, String jobId, long changedSince)
            throws SQLException {
        List<ItemResult> out = new ArrayList<>();
        scan(c, jobId, changedSince, -1, 0, out::add);
        return out;
    }

    /**
     * The items of a job changed since {@code changedSince} (MIN_VALUE: any), after {@code afterSeq} (-1: from the
     * first), at most {@code limit} (0: all), in input order.
     */
    private static void scan(Connection c, String jobId, long changedSince, long afterSeq, int limit,
                             Consumer<ItemResult> each) throws SQLException {
        boolean all = changedSince == Long.MIN_VALUE;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.id AS i_id, i.job_id AS i_job_id, i.seq AS i_seq, i.line AS i_line,
                  i.request_id AS i_request_id, i.status AS i_status, i.row_json AS i_row_json,
                  COALESCE(i.invalid_reason, i.not_run_reason) AS i_invalid_reason, i.reserved_usd AS i_reserved_usd,
                  i.reserved_tokens AS i_reserved_tokens, i.billed_usd AS i_billed_usd, r.*
                FROM batch_items i LEFT JOIN results r ON r.item_id = i.id
                WHERE i.job_id = ?""" + (afterSeq >= 0 ? " AND i.seq > ?" : "")
                + (all ? "" : " AND i.updated_at >= ?") + " ORDER BY i.seq" + (limit > 0 ? " LIMIT " + limit : ""))) {
            int k = 1;
            ps.setString(k++, jobId);
            if (afterSeq >= 0) {
                ps.setLong(k++, afterSeq);
            }
            if (!all) {
                ps.setLong(k, changedSince);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BatchItemRecord item = mapItem(rs, "i_");
                    rs.getLong("id");
                    ResultRecord r = rs.wasNull() ? null : ResultStore.map(rs);
                    each.accept(new ItemResult(item, r));
                }
            }
        }
    }

    /** How many items are in each state (every state present, zero when none). */
    public Map<ItemStatus, Integer> counts(String jobId) {
        return db.read(c -> {
            Map<ItemStatus, Integer> out = new EnumMap<>(ItemStatus.class);
            for (ItemStatus s : ItemStatus.values()) {
                out.put(s, 0);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, COUNT(*) FROM batch_items WHERE job_id = ? GROUP BY status")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(ItemStatus.parse(rs.getString(1)), rs.getInt(2));
                    }
                }
            }
            return out;
        });
    }

    /** The sum of the reservations of the items in flight now. */
    public Reservation reservedInFlight(String jobId) {
        return db.read(c -> {
            Reservation total = Reservation.NONE;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT reserved_usd, reserved_tokens FROM batch_items WHERE job_id = ? AND status = 'in_flight'")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        total = total.plus(reservation(rs, ""));
                    }
                }
            }
            return total;
        });
    }

    private List<BatchJobRecord> jobs(String sql) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                List<BatchJobRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapJob(rs));
                }
                return out;
            }
        });
    }

    private List<BatchItemRecord> items(String sql, String jobId, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, jobId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<BatchItemRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(mapItem(rs));
                    }
                    return out;
                }
            }
        });
    }

    private static BatchJobRecord mapJob(ResultSet rs) throws SQLException {
        return new BatchJobRecord(rs.getString("id"), rs.getLong("run_id"), rs.getString("input_path"),
                rs.getString("output_path"), rs.getString("format"), rs.getString("settings_json"),
                JobStatus.parse(rs.getString("status")), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    private static BatchItemRecord mapItem(ResultSet rs) throws SQLException {
        return mapItem(rs, "");
    }

    private static BatchItemRecord mapItem(ResultSet rs, String p) throws SQLException {
        String reason = rs.getString(p + "invalid_reason");
        if (reason == null && p.isEmpty()) {
            reason = rs.getString("not_run_reason"); // a provider batch row's reason for not running
        }
        return new BatchItemRecord(rs.getLong(p + "id"), rs.getString(p + "job_id"), rs.getInt(p + "seq"),
                Jdbc.getInt(rs, p + "line"), rs.getString(p + "request_id"), ItemStatus.parse(rs.getString(p + "status")),
                rs.getString(p + "row_json"), reason, reservation(rs, p), Jdbc.getDecimal(rs, p + "billed_usd"));
    }

    private static Reservation reservation(ResultSet rs, String p) throws SQLException {
        BigDecimal usd = Jdbc.getDecimal(rs, p + "reserved_usd");
        Long tokens = Jdbc.getLong(rs, p + "reserved_tokens");
        return usd == null && tokens == null ? Reservation.NONE
                : new Reservation(usd == null ? BigDecimal.ZERO : usd, tokens == null ? 0 : tokens);
    }
}
