package dev.llmworkbench.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.lang.reflect.Type;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Application settings: key → a JSON value (Gson). Never a key: values are scrubbed like everything else. */
public final class SettingsStore {
    private final Database db;
    private final Clock clock;

    public SettingsStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public SettingsStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Stores {@code value} as JSON under {@code key} (replacing it); a null value deletes the key. */
    public void put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            delete(key);
            return;
        }
        String json = db.redactor().json(Json.GSON.toJson(value));
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at
                    """)) {
                ps.setString(1, key);
                ps.setString(2, json);
                ps.setLong(3, clock.millis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The raw JSON under {@code key}. */
    public Optional<String> getJson(String key) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value_json FROM settings WHERE key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    public <T> Optional<T> get(String key, Class<T> type) {
        return getJson(key).map(j -> Json.GSON.fromJson(j, type));
    }

    /** For generic types, e.g. {@code new TypeToken<List<String>>(){}.getType()}. */
    public <T> Optional<T> get(String key, Type type) {
        return getJson(key).map(j -> Json.GSON.<T>fromJson(j, type));
    }

    public Optional<JsonElement> getTree(String key) {
        return getJson(key).map(JsonParser::parseString);
    }

    public String getString(String key, String fallback) {
        return get(key, String.class).orElse(fallback);
    }

    public int getInt(String key, int fallback) {
        return get(key, Integer.class).orElse(fallback);
    }

    public long getLong(String key, long fallback) {
        return get(key, Long.class).orElse(fallback);
    }

    public double getDouble(String key, double fallback) {
        return get(key, Double.class).orElse(fallback);
    }

    public boolean getBoolean(String key, boolean fallback) {
        return get(key, Boolean.class).orElse(fallback);
    }

    /** Returns whether the key existed. */
    public boolean delete(String key) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM settings WHERE key = ?")) {
                ps.setString(1, key);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Every key, sorted. */
    public List<String> keys() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT key FROM settings ORDER BY key");
                 ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        });
    }
}
