package dev.llmworkbench.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The playground's prompt library: every save of a name is a new version (1, 2, ...). */
public final class PromptStore {
    /** One saved version of a prompt. */
    public record PromptVersion(String name, int version, String system, String user, String variablesJson,
                                String parametersJson, Instant createdAt) {
    }

    private final Database db;
    private final Clock clock;

    public PromptStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public PromptStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Saves a new version of {@code name} and returns it. */
    public PromptVersion save(String name, String system, String user, String variablesJson, String parametersJson) {
        Objects.requireNonNull(name, "name");
        Redactor red = db.redactor();
        String vars = variablesJson == null || variablesJson.isBlank() ? "{}" : red.json(variablesJson);
        String params = parametersJson == null || parametersJson.isBlank() ? "{}" : red.json(parametersJson);
        String sys = red.text(system);
        String usr = red.text(user);
        long now = clock.millis();
        int version = db.write(c -> {
            int next;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM prompts WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    next = rs.getInt(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO prompts (name, version, system_text, user_text, variables_json, parameters_json,
                      created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, name);
                ps.setInt(2, next);
                ps.setString(3, sys);
                ps.setString(4, usr);
                ps.setString(5, vars);
                ps.setString(6, params);
                ps.setLong(7, now);
                ps.executeUpdate();
            }
            return next;
        });
        return get(name, version).orElseThrow();
    }

    /** Every prompt name, sorted. */
    public List<String> names() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT name FROM prompts ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        });
    }

    /** Every version of {@code name}, oldest first. */
    public List<PromptVersion> versions(String name) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM prompts WHERE name = ? ORDER BY version")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    List<PromptVersion> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                    return out;
                }
            }
        });
    }

    public Optional<PromptVersion> get(String name, int version) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM prompts WHERE name = ? AND version = ?")) {
                ps.setString(1, name);
                ps.setInt(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    public Optional<PromptVersion> latest(String name) {
        List<PromptVersion> all = versions(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Deletes every version of {@code name}; returns how many. */
    public int delete(String name) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM prompts WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
    }

    private static PromptVersion map(ResultSet rs) throws SQLException {
        return new PromptVersion(rs.getString("name"), rs.getInt("version"), rs.getString("system_text"),
                rs.getString("user_text"), rs.getString("variables_json"), rs.getString("parameters_json"),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
