package dev.llmworkbench.store;

import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.RemoteShardRecord;
import dev.llmworkbench.domain.Reservation;
import dev.llmworkbench.domain.ShardState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The shards of provider batch jobs ({@code remote_shards}) and the shard and {@code not_run} reason of each
 * item ({@code batch_items}). The service stores a shard's state before and after every provider call, so
 * that a resumed job knows which calls were made: every method is one short committed transaction, and the
 * ones that move items with a shard do both in the same transaction. Results themselves are stored with
 * {@link BatchStore#completeAll}. Thread-safe.
 */
public final class RemoteShardStore {
    /** The engine names of {@code batch_jobs.engine}. */
    public static final String LIVE = "live";
    public static final String PROVIDER_BATCH = "provider-batch";

    /** A shard to add: its rows by item id. */
    public record NewShard(int shardNo, String model, Boolean thinking, String filePath, String fileSha256, int lines,
                           long bytes, List<Long> itemIds) {
        public NewShard {
            itemIds = List.copyOf(itemIds);
        }
    }

    /** What the provider last said about a shard's batch. */
    public record Seen(String providerStatus, int total, int completed, int failed, String outputFileId,
                       String errorFileId, String error) {
    }

    private final Database db;
    private final Clock clock;

    public RemoteShardStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public RemoteShardStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Marks the job as run by {@code engine} ({@link #LIVE} or {@link #PROVIDER_BATCH}) with the settings of
     * its provider batches (JSON, never a key; null for none).
     */
    public void setEngine(String jobId, String engine, String remoteJson) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE batch_jobs SET engine = ?, remote_json = ? WHERE id = ?")) {
                ps.setString(1, engine);
                ps.setString(2, remoteJson == null ? null : db.redactor().json(remoteJson));
                ps.setString(3, jobId);
                return ps.executeUpdate();
            }
        });
    }

    /** The settings of the job's provider batches as stored by {@link #setEngine}, or empty. */
    public Optional<String> remoteJson(String jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT remote_json FROM batch_jobs WHERE id = ?")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Marks these pending items {@code invalid} with their reasons (a row too large for any file). */
    public int markInvalid(String jobId, Map<Long, String> reasons) {
        return db.write(c -> {
            long now = clock.millis();
            int moved = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE batch_items SET status = 'invalid', invalid_reason = ?, updated_at = ? "
                            + "WHERE id = ? AND job_id = ? AND status = 'pending'")) {
                for (Map.Entry<Long, String> e : reasons.entrySet()) {
                    ps.setString(1, db.redactor().text(e.getValue()));
                    ps.setLong(2, now);
                    ps.setLong(3, e.getKey());
                    ps.setString(4, jobId);
                    moved += ps.executeUpdate();
                }
            }
            return moved;
        });
    }


    /** Adds shards ({@code planned}) and gives their items their shard, in one transaction. */
    public void addShards(String jobId, List<NewShard> shards) {
        db.write(c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO remote_shards (job_id, shard_no, model, thinking, file_path, file_sha256, line_count,
                      byte_count, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?)""");
                 PreparedStatement items = c.prepareStatement(
                         "UPDATE batch_items SET shard_no = ?, updated_at = ? WHERE id = ? AND job_id = ?")) {
                for (NewShard s : shards) {
                    ps.setString(1, jobId);
                    ps.setInt(2, s.shardNo());
                    ps.setString(3, s.model());
                    Jdbc.setBool(ps, 4, s.thinking());
                    ps.setString(5, s.filePath());
                    ps.setString(6, s.fileSha256());
                    ps.setInt(7, s.lines());
                    ps.setLong(8, s.bytes());
                    ps.setLong(9, now);
                    ps.executeUpdate();
                    for (long id : s.itemIds()) {
                        items.setInt(1, s.shardNo());
                        items.setLong(2, now);
                        items.setLong(3, id);
                        items.setString(4, jobId);
                        items.addBatch();
                    }
                    items.executeBatch();
                }
            }
            return null;
        });
    }

    /** Every shard of the job, by number. */
    public List<RemoteShardRecord> shards(String jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM remote_shards WHERE job_id = ? ORDER BY shard_no")) {
                ps.setString(1, jobId);
                List<RemoteShardRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    public Optional<RemoteShardRecord> shard(String jobId, int shardNo) {
        return shards(jobId).stream().filter(s -> s.shardNo() == shardNo).findFirst();
    }

    /** The number the next shard of the job takes. */
    public int nextShardNo(String jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(shard_no), 0) + 1 FROM remote_shards WHERE job_id = ?")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Stores the state a shard is about to be in ({@code uploading}, {@code creating}) or is in. */
    public void setState(String jobId, int shardNo, ShardState state) {
        update(jobId, shardNo, "state = ?", ps -> ps.setString(1, state.wireName()));
    }

    /** The shard's batch is about to be created ({@code creating}) with this much of the budget reserved (or null). */
    public void markCreating(String jobId, int shardNo, java.math.BigDecimal reservedUsd) {
        update(jobId, shardNo, "state = 'creating', reserved_usd = ?", ps -> Jdbc.setDecimal(ps, 1, reservedUsd));
    }

    /** The upload answered: the shard is {@code uploaded} with this file id. */
    public void recordUpload(String jobId, int shardNo, String fileId) {
        update(jobId, shardNo, "state = 'uploaded', file_id = ?", ps -> ps.setString(1, fileId));
    }

    /**
     * The batch exists: the shard is {@code submitted} with this batch id, and its pending items go
     * {@code in_flight}, in one transaction.
     */
    public void recordBatch(String jobId, int shardNo, String batchId) {
        db.write(c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE remote_shards SET state = 'submitted', batch_id = ?, submitted_at = ?, updated_at = ?
                    WHERE job_id = ? AND shard_no = ?""")) {
                ps.setString(1, batchId);
                ps.setLong(2, now);
                ps.setLong(3, now);
                ps.setString(4, jobId);
                ps.setInt(5, shardNo);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'in_flight', updated_at = ?
                    WHERE job_id = ? AND shard_no = ? AND status = 'pending'""")) {
                ps.setLong(1, now);
                ps.setString(2, jobId);
                ps.setInt(3, shardNo);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** What the provider last said about the shard's batch. */
    public void recordSeen(String jobId, int shardNo, Seen s) {
        update(jobId, shardNo, """
                provider_status = ?, total = ?, completed = ?, failed = ?, output_file_id = ?, error_file_id = ?,
                error = ?""", ps -> {
            ps.setString(1, s.providerStatus());
            ps.setInt(2, s.total());
            ps.setInt(3, s.completed());
            ps.setInt(4, s.failed());
            ps.setString(5, s.outputFileId());
            ps.setString(6, s.errorFileId());
            ps.setString(7, db.redactor().text(s.error()));
        });
    }

    /**
     * Ends the shard: {@code reconciled} (its results stored) or {@code not_submitted}; either way its items
     * still without a result become {@code not_run} with {@code reason} (when not null), in one transaction.
     */
    public void finishShard(String jobId, int shardNo, ShardState state, String reason) {
        if (!state.finished()) {
            throw new IllegalArgumentException("a shard ends reconciled or not_submitted, not " + state.wireName());
        }
        db.write(c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE remote_shards SET state = ?, error = COALESCE(?, error), updated_at = ?
                    WHERE job_id = ? AND shard_no = ?""")) {
                ps.setString(1, state.wireName());
                ps.setString(2, state == ShardState.NOT_SUBMITTED ? db.redactor().text(reason) : null);
                ps.setLong(3, now);
                ps.setString(4, jobId);
                ps.setInt(5, shardNo);
                ps.executeUpdate();
            }
            if (reason != null) {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE batch_items SET status = 'not_run', not_run_reason = ?, updated_at = ?
                        WHERE job_id = ? AND shard_no = ? AND status IN ('pending', 'in_flight')""")) {
                    ps.setString(1, db.redactor().text(reason));
                    ps.setLong(2, now);
                    ps.setString(3, jobId);
                    ps.setInt(4, shardNo);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Marks these items {@code not_run} with their reasons when they are pending or in flight; returns how many moved. */
    public int markNotRun(String jobId, Map<Long, String> reasons) {
        return db.write(c -> {
            long now = clock.millis();
            int moved = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'not_run', not_run_reason = ?, reserved_usd = NULL,
                      reserved_tokens = NULL, updated_at = ?
                    WHERE id = ? AND job_id = ? AND status IN ('pending', 'in_flight')""")) {
                for (Map.Entry<Long, String> e : reasons.entrySet()) {
                    ps.setString(1, db.redactor().text(e.getValue()));
                    ps.setLong(2, now);
                    ps.setLong(3, e.getKey());
                    ps.setString(4, jobId);
                    moved += ps.executeUpdate();
                }
            }
            return moved;
        });
    }

    /** The reasons of the job's {@code not_run} items, by item id. */
    public Map<Long, String> notRunReasons(String jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, not_run_reason FROM batch_items WHERE job_id = ? AND status = 'not_run'
                    ORDER BY seq""")) {
                ps.setString(1, jobId);
                Map<Long, String> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getString(2));
                    }
                }
                return out;
            }
        });
    }

    /** The items of one shard, in input order. */
    public List<BatchItemRecord> shardItems(String jobId, int shardNo) {
        return items("SELECT * FROM batch_items WHERE job_id = ? AND shard_no = ? ORDER BY seq", jobId, shardNo);
    }

    /** The job's {@code pending} items not yet in a shard, in input order: what the next planning cuts. */
    public List<BatchItemRecord> unplannedItems(String jobId) {
        return items("SELECT * FROM batch_items WHERE job_id = ? AND shard_no IS NULL AND status = 'pending' "
                + "ORDER BY seq", jobId, null);
    }

    /**
     * Puts the job's {@code failed} and {@code not_run} items back to {@code pending} without a shard (their
     * failed results deleted), in one transaction, so that the next planning sends only them as new shards;
     * returns how many.
     */
    public int requeueForRetry(String jobId) {
        return db.write(c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM results WHERE item_id IN
                      (SELECT id FROM batch_items WHERE job_id = ? AND status = 'failed')""")) {
                ps.setString(1, jobId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch_items SET status = 'pending', shard_no = NULL, not_run_reason = NULL, updated_at = ?
                    WHERE job_id = ? AND status IN ('failed', 'not_run')""")) {
                ps.setLong(1, now);
                ps.setString(2, jobId);
                return ps.executeUpdate();
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String jobId, int shardNo, String set, Binder binder) {
        db.write(c -> {
            int n = (int) set.chars().filter(ch -> ch == '?').count();
            try (PreparedStatement ps = c.prepareStatement("UPDATE remote_shards SET " + set
                    + ", updated_at = ? WHERE job_id = ? AND shard_no = ?")) {
                binder.bind(ps);
                ps.setLong(n + 1, clock.millis());
                ps.setString(n + 2, jobId);
                ps.setInt(n + 3, shardNo);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("no shard " + shardNo + " in job " + jobId);
                }
            }
            return null;
        });
    }

    private List<BatchItemRecord> items(String sql, String jobId, Integer shardNo) {
        return db.read(c -> itemsIn(c, sql, jobId, shardNo));
    }

    private static List<BatchItemRecord> itemsIn(Connection c, String sql, String jobId, Integer shardNo)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, jobId);
            if (shardNo != null) {
                ps.setInt(2, shardNo);
            }
            List<BatchItemRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BatchItemRecord(rs.getLong("id"), rs.getString("job_id"), rs.getInt("seq"),
                            Jdbc.getInt(rs, "line"), rs.getString("request_id"),
                            ItemStatus.parse(rs.getString("status")), rs.getString("row_json"),
                            rs.getString("invalid_reason"), Reservation.NONE));
                }
            }
            return out;
        }
    }

    private static RemoteShardRecord map(ResultSet rs) throws SQLException {
        Long submitted = Jdbc.getLong(rs, "submitted_at");
        return new RemoteShardRecord(rs.getString("job_id"), rs.getInt("shard_no"), rs.getString("model"),
                Jdbc.getBool(rs, "thinking"), rs.getString("file_path"), rs.getString("file_sha256"),
                rs.getInt("line_count"), rs.getLong("byte_count"), rs.getString("file_id"), rs.getString("batch_id"),
                ShardState.parse(rs.getString("state")), rs.getString("provider_status"), rs.getInt("total"),
                rs.getInt("completed"), rs.getInt("failed"), rs.getString("output_file_id"),
                rs.getString("error_file_id"), rs.getString("error"),
                submitted == null ? null : Instant.ofEpochMilli(submitted), Instant.ofEpochMilli(rs.getLong("updated_at")),
                Jdbc.getDecimal(rs, "reserved_usd"));
    }
}
