package dev.llmworkbench.store;

import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.Attempt;
import com.google.gson.reflect.TypeToken;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.domain.Usage;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Results of requests. A result is durable (committed) as soon as {@link #insert} returns, or
 * {@link #insertLater}'s future completes. Batch results go through {@link BatchStore#complete} instead, which
 * also moves the item. Every text is scrubbed of credentials by the database's {@link Redactor}.
 */
public final class ResultStore {
    private static final Type ATTEMPTS = new TypeToken<List<Attempt>>() { }.getType();
    private static final Type DOUBLES = new TypeToken<List<Double>>() { }.getType();

    private final Database db;

    public ResultStore(Database db) {
        this.db = Objects.requireNonNull(db);
    }

    /** Stores the result (its id is ignored) and returns the stored copy with its new id. */
    public ResultRecord insert(ResultRecord r) {
        long id = db.write(c -> insert(c, db.redactor(), r));
        return r.withId(id);
    }

    /**
     * As {@link #insert}, handed to the database's single writer ({@link Database#writeLater}): returns at once,
     * for the threads of the network; the future completes with the stored copy once it is committed.
     */
    public java.util.concurrent.CompletableFuture<ResultRecord> insertLater(ResultRecord r) {
        return db.writeLater(c -> r.withId(insert(c, db.redactor(), r)));
    }

    public Optional<ResultRecord> find(long id) {
        return one("SELECT * FROM results WHERE id = ?", id);
    }

    /** The result stored for a batch item, if any. */
    public Optional<ResultRecord> findByItem(long itemId) {
        return one("SELECT * FROM results WHERE item_id = ?", itemId);
    }

    /** The results of a run, in the order they were stored. */
    public List<ResultRecord> listByRun(long runId) {
        return listByRun(runId, Integer.MAX_VALUE, 0);
    }

    /** One page of the results of a run, in the order they were stored. */
    public List<ResultRecord> listByRun(long runId, int limit, int offset) {
        return pageByRun("*", runId, limit, offset, ResultStore::map);
    }

    /** The figures the charts draw of one stored result: no texts, no request, no attempts. */
    public record Figures(long id, String model, String provider, Instant startedAt, Instant endedAt, Double ttftMs,
                          Double e2eMs, Integer completionTokens, Integer outputTokens, BigDecimal costUsd,
                          boolean succeeded) {
    }

    /**
     * One page of the figures of a run's results, in the order they were stored: what a chart refresh reads
     * (a second or so apart while a batch runs), without the texts and JSON a full result carries.
     */
    public List<Figures> figuresByRun(long runId, int limit, int offset) {
        return pageByRun("id, model, provider, started_at, ended_at, ttft_ms, e2e_ms, completion_tokens, output_tokens, "
                + "cost_usd, error_kind", runId, limit, offset, rs -> new Figures(rs.getLong("id"), rs.getString("model"),
                        rs.getString("provider"),
                        Jdbc.getInstant(rs, "started_at"), Jdbc.getInstant(rs, "ended_at"), Jdbc.getDouble(rs, "ttft_ms"),
                        Jdbc.getDouble(rs, "e2e_ms"), Jdbc.getInt(rs, "completion_tokens"),
                        Jdbc.getInt(rs, "output_tokens"), Jdbc.getDecimal(rs, "cost_usd"),
                        rs.getString("error_kind") == null));
    }

    /** A row of a result set as a value. */
    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> pageByRun(String columns, long runId, int limit, int offset, Row<T> row) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + columns + " FROM results WHERE run_id = ? ORDER BY id LIMIT ? OFFSET ?")) {
                ps.setLong(1, runId);
                ps.setInt(2, limit);
                ps.setInt(3, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(row.map(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** The completion tokens of the newest successful results of any run, newest first (an estimate's history). */
    public List<Integer> recentCompletionTokens(int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT completion_tokens FROM results WHERE error_kind IS NULL AND completion_tokens IS NOT NULL
                    ORDER BY id DESC LIMIT ?""")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Integer> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getInt(1));
                    }
                    return out;
                }
            }
        });
    }

    /** How many requests (results of any run) ended at or after {@code since}. */
    public int countEndedSince(Instant since) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM results WHERE ended_at >= ?")) {
                ps.setLong(1, since.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** When the oldest result that ended at or after {@code since} ended; null when there is none. */
    public Instant oldestEndedSince(Instant since) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(ended_at) FROM results WHERE ended_at >= ?")) {
                ps.setLong(1, since.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long ms = rs.getLong(1);
                    return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
                }
            }
        });
    }

    public int countByRun(long runId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM results WHERE run_id = ?")) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private Optional<ResultRecord> one(String sql, long arg) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    static long insert(Connection c, Redactor red, ResultRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO results (run_id, item_id, model, provider, request_json, response_text, reasoning,
                  tool_calls_json, finish_reason, prompt_tokens, completion_tokens, total_tokens, reasoning_tokens,
                  cached_tokens, usage_estimated, ttft_ms, ttfo_ms, tpot_ms, e2e_ms, queue_ms, total_ms,
                  output_tokens, chunk_gaps_json, cost_usd, attempts_json, error_kind, error_status, error_code,
                  error_message, error_retryable, check_result, check_detail, started_at, ended_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                  ?, ?, ?, ?)""")) {
            int i = 1;
            ps.setLong(i++, r.runId());
            Jdbc.setLong(ps, i++, r.itemId());
            ps.setString(i++, r.model());
            ps.setString(i++, r.provider());
            ps.setString(i++, red.json(r.requestJson()));
            ps.setString(i++, red.text(r.responseText()));
            ps.setString(i++, red.text(r.reasoning()));
            ps.setString(i++, red.json(r.toolCallsJson()));
            ps.setString(i++, r.finishReason());
            Usage u = r.usage();
            Jdbc.setInt(ps, i++, u == null ? null : u.promptTokens());
            Jdbc.setInt(ps, i++, u == null ? null : u.completionTokens());
            Jdbc.setInt(ps, i++, u == null ? null : u.totalTokens());
            Jdbc.setInt(ps, i++, u == null ? null : u.reasoningTokens());
            Jdbc.setInt(ps, i++, u == null ? null : u.cachedTokens());
            ps.setInt(i++, u != null && u.estimated() ? 1 : 0);
            Timing t = r.timing();
            Jdbc.setDouble(ps, i++, t == null ? null : t.ttftMs());
            Jdbc.setDouble(ps, i++, t == null ? null : t.ttfoMs());
            Jdbc.setDouble(ps, i++, t == null ? null : t.tpotMs());
            Jdbc.setDouble(ps, i++, t == null ? null : t.e2eMs());
            Jdbc.setDouble(ps, i++, t == null ? null : t.queueMs());
            Jdbc.setDouble(ps, i++, t == null ? null : t.totalMs());
            Jdbc.setInt(ps, i++, t == null ? null : t.outputTokens());
            ps.setString(i++, t == null ? null : Json.GSON.toJson(toMicros(t.chunkGapsMs())));
            Jdbc.setDecimal(ps, i++, r.costUsd());
            List<Attempt> attempts = new ArrayList<>();
            for (Attempt a : r.attempts()) {
                attempts.add(new Attempt(a.number(), a.httpStatus(), a.errorKind(), red.text(a.errorMessage()),
                        a.durationMs(), a.backoffMs(), red.text(a.partialText()), a.costUsd(), a.requestId()));
            }
            ps.setString(i++, Json.GSON.toJson(attempts, ATTEMPTS));
            ApiError e = r.error();
            ps.setString(i++, e == null ? null : e.kind().wireName());
            Jdbc.setInt(ps, i++, e == null ? null : e.status());
            ps.setString(i++, e == null ? null : red.text(e.code()));
            ps.setString(i++, e == null ? null : red.text(e.message()));
            Jdbc.setBool(ps, i++, e == null ? null : e.retryable());
            ps.setString(i++, r.checkPassed() == null ? null : (r.checkPassed() ? "pass" : "fail"));
            ps.setString(i++, red.text(r.checkDetail()));
            Jdbc.setInstant(ps, i++, r.startedAt());
            Jdbc.setInstant(ps, i, r.endedAt());
            ps.executeUpdate();
            return Jdbc.lastInsertId(c);
        }
    }

    static ResultRecord map(ResultSet rs) throws SQLException {
        Integer prompt = Jdbc.getInt(rs, "prompt_tokens");
        Integer completion = Jdbc.getInt(rs, "completion_tokens");
        Integer total = Jdbc.getInt(rs, "total_tokens");
        Integer reasoningTokens = Jdbc.getInt(rs, "reasoning_tokens");
        Integer cached = Jdbc.getInt(rs, "cached_tokens");
        boolean estimated = rs.getInt("usage_estimated") != 0;
        Usage usage = prompt == null && completion == null && total == null && reasoningTokens == null
                && cached == null && !estimated ? null
                : new Usage(prompt, completion, total, reasoningTokens, cached, estimated);

        Double queue = Jdbc.getDouble(rs, "queue_ms");
        Double totalMs = Jdbc.getDouble(rs, "total_ms");
        String gaps = rs.getString("chunk_gaps_json");
        Timing timing = queue == null && totalMs == null && gaps == null ? null
                : new Timing(Jdbc.getDouble(rs, "ttft_ms"), Jdbc.getDouble(rs, "ttfo_ms"), Jdbc.getDouble(rs, "e2e_ms"),
                        Jdbc.getDouble(rs, "tpot_ms"), gaps == null ? List.of() : Json.GSON.fromJson(gaps, DOUBLES),
                        Jdbc.getInt(rs, "output_tokens"), queue == null ? 0 : queue, totalMs == null ? 0 : totalMs);

        String kind = rs.getString("error_kind");
        ApiError error = null;
        if (kind != null) {
            ApiError.Kind k = ApiError.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
            Boolean retryable = Jdbc.getBool(rs, "error_retryable");
            error = new ApiError(k, Jdbc.getInt(rs, "error_status"), rs.getString("error_code"),
                    rs.getString("error_message"), retryable == null ? ApiError.defaultRetryable(k) : retryable,
                    null, null);
        }
        String check = rs.getString("check_result");
        List<Attempt> attempts = Json.GSON.fromJson(rs.getString("attempts_json"), ATTEMPTS);
        return new ResultRecord(rs.getLong("id"), rs.getLong("run_id"), Jdbc.getLong(rs, "item_id"),
                rs.getString("model"), rs.getString("provider"), rs.getString("request_json"),
                rs.getString("response_text"), rs.getString("reasoning"), rs.getString("tool_calls_json"),
                rs.getString("finish_reason"), usage, timing, Jdbc.getDecimal(rs, "cost_usd"), attempts, error,
                check == null ? null : "pass".equals(check), rs.getString("check_detail"),
                Jdbc.getInstant(rs, "started_at"), Jdbc.getInstant(rs, "ended_at"));
    }

    /**
     * Milliseconds kept to the microsecond, as decimals: "12.345" rather than a double's 17 digits, which
     * were most of the time of storing a result (a gap per streamed chunk).
     */
    private static List<Number> toMicros(List<Double> ms) {
        List<Number> out = new ArrayList<>(ms.size());
        for (Double v : ms) {
            out.add(v != null && Double.isFinite(v) ? java.math.BigDecimal.valueOf(Math.round(v * 1000), 3) : v);
        }
        return out;
    }
}
