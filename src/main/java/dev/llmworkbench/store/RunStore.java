package dev.llmworkbench.store;

import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The history of runs. Deleting a run deletes its results and batch jobs. */
public final class RunStore {
    private final Database db;
    private final Clock clock;

    public RunStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public RunStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Records a new run with status {@code running}; settings JSON is scrubbed of credentials. */
    public RunRecord create(RunKind kind, String title, String prompt, String provider, List<String> models,
                            String settingsJson) {
        Objects.requireNonNull(kind, "kind");
        Redactor r = db.redactor();
        String settings = settingsJson == null || settingsJson.isBlank() ? "{}" : r.json(settingsJson);
        String modelsJson = Json.GSON.toJson(models == null ? List.of() : models);
        String safeTitle = r.text(title);
        String safePrompt = r.text(prompt);
        long now = clock.millis();
        long id = db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO runs (kind, created_at, updated_at, title, prompt, provider, models_json,
                      settings_json, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, kind.wireName());
                ps.setLong(2, now);
                ps.setLong(3, now);
                ps.setString(4, safeTitle);
                ps.setString(5, safePrompt);
                ps.setString(6, provider);
                ps.setString(7, modelsJson);
                ps.setString(8, settings);
                ps.setString(9, RunRecord.RUNNING);
                ps.executeUpdate();
                return Jdbc.lastInsertId(c);
            }
        });
        return find(id).orElseThrow();
    }

    /** Sets the status; returns whether the run exists. */
    public boolean updateStatus(long id, String status) {
        Objects.requireNonNull(status, "status");
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE runs SET status = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status);
                ps.setLong(2, clock.millis());
                ps.setLong(3, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Sets the models a run names (a batch's, once its input has been read); returns whether the run exists. */
    public boolean updateModels(long id, List<String> models) {
        String modelsJson = Json.GSON.toJson(models == null ? List.of() : models);
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE runs SET models_json = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, modelsJson);
                ps.setLong(2, clock.millis());
                ps.setLong(3, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Sets the status and the summary JSON together; returns whether the run exists. */
    public boolean updateSummary(long id, String status, String summaryJson) {
        Objects.requireNonNull(status, "status");
        String summary = db.redactor().json(summaryJson);
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE runs SET status = ?, summary_json = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status);
                ps.setString(2, summary);
                ps.setLong(3, clock.millis());
                ps.setLong(4, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    public Optional<RunRecord> find(long id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM runs WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The runs matching {@code q}, newest first, one page. */
    public List<RunRecord> list(RunQuery q) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        String sql = "SELECT * FROM runs" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
        args.add(q.limit());
        args.add(q.offset());
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    List<RunRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** How many runs match {@code q}, ignoring its paging. */
    public int count(RunQuery q) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM runs" + where(q, args);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Deletes the run with its results and batch jobs; returns whether it existed. */
    public boolean delete(long id) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM runs WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static String where(RunQuery q, List<Object> args) {
        List<String> conds = new ArrayList<>();
        if (q.kind() != null) {
            conds.add("kind = ?");
            args.add(q.kind().wireName());
        }
        if (q.text() != null && !q.text().isBlank()) {
            conds.add("(title LIKE ? ESCAPE '\\' OR prompt LIKE ? ESCAPE '\\')");
            String like = "%" + q.text().trim().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            args.add(like);
            args.add(like);
        }
        if (q.model() != null && !q.model().isBlank()) {
            conds.add("EXISTS (SELECT 1 FROM json_each(runs.models_json) WHERE json_each.value = ?)");
            args.add(q.model().trim());
        }
        if (q.from() != null) {
            conds.add("created_at >= ?");
            args.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            conds.add("created_at < ?");
            args.add(q.to().toEpochMilli());
        }
        return conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds);
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    static RunRecord map(ResultSet rs) throws SQLException {
        List<String> models = Json.GSON.fromJson(rs.getString("models_json"), Json.LIST_OF_STRINGS);
        return new RunRecord(rs.getLong("id"), RunKind.parse(rs.getString("kind")),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")),
                rs.getString("title"), rs.getString("prompt"), rs.getString("provider"), models,
                rs.getString("settings_json"), rs.getString("status"), rs.getString("summary_json"));
    }
}
