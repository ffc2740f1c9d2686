package dev.llmworkbench.store;

import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Saved provider profiles. Never a secret: a profile only names where its key is kept ({@code keyRef});
 * an extra header or body field named like a credential is refused.
 */
public final class ProfileStore {
    private final Database db;
    private final Clock clock;

    public ProfileStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public ProfileStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Inserts or replaces the profile of this name.
     *
     * @throws IllegalArgumentException when an extra header or body field holds a credential
     */
    public void save(ProviderProfile p) {
        List<String> bad = new ArrayList<>(Redactor.secretNames(p.extraHeaders().keySet()));
        bad.addAll(Redactor.secretNames(p.extraBody().keySet()));
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("profile '" + p.name() + "': " + String.join(", ", bad)
                    + " looks like a credential; keep keys in the secret store and refer to them by keyRef");
        }
        Redactor r = db.redactor();
        String headers = r.json(Json.GSON.toJson(p.extraHeaders()));
        String body = r.json(Json.GSON.toJson(p.extraBody()));
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO provider_profiles (name, base_url, default_model, key_ref, extra_headers_json,
                      extra_body_json, proxy, ca_cert_path, updated_at, dialect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET base_url = excluded.base_url,
                      default_model = excluded.default_model, key_ref = excluded.key_ref,
                      extra_headers_json = excluded.extra_headers_json, extra_body_json = excluded.extra_body_json,
                      proxy = excluded.proxy, ca_cert_path = excluded.ca_cert_path, updated_at = excluded.updated_at,
                      dialect = excluded.dialect
                    """)) {
                ps.setString(1, p.name());
                ps.setString(2, p.baseUrl());
                ps.setString(3, p.defaultModel());
                ps.setString(4, r.text(p.keyRef()));
                ps.setString(5, headers);
                ps.setString(6, body);
                ps.setString(7, r.text(p.proxy()));
                ps.setString(8, p.caCertPath());
                ps.setLong(9, clock.millis());
                ps.setString(10, p.dialect().wireName());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** All profiles, by name. */
    public List<ProviderProfile> list() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM provider_profiles ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                List<ProviderProfile> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    public Optional<ProviderProfile> find(String name) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM provider_profiles WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Returns whether a profile of this name existed. */
    public boolean delete(String name) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM provider_profiles WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static ProviderProfile map(ResultSet rs) throws SQLException {
        Map<String, String> headers = Json.GSON.fromJson(rs.getString("extra_headers_json"), Json.MAP_OF_STRINGS);
        Map<String, Object> body = Json.GSON.fromJson(rs.getString("extra_body_json"), Json.MAP_OF_OBJECTS);
        return new ProviderProfile(rs.getString("name"), rs.getString("base_url"), rs.getString("default_model"),
                rs.getString("key_ref"), headers, body, rs.getString("proxy"), rs.getString("ca_cert_path"),
                dialect(rs.getString("dialect")));
    }

    /** The stored dialect; null (a profile saved before profiles had one) or unknown: guessed from the URL. */
    private static Dialect dialect(String stored) {
        try {
            return stored == null ? null : Dialect.parse(stored);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
