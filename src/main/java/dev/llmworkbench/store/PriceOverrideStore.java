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

/** The user's own prices per provider and model, kept as JSON text whose format the cost package owns. */
public final class PriceOverrideStore {
    /** One override. */
    public record PriceOverride(String provider, String model, String priceJson, Instant updatedAt) {
    }

    private final Database db;
    private final Clock clock;

    public PriceOverrideStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public PriceOverrideStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Inserts or replaces the override of this provider and model. */
    public void put(String provider, String model, String priceJson) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(priceJson, "priceJson");
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO price_overrides (provider, model, price_json, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (provider, model) DO UPDATE SET price_json = excluded.price_json,
                      updated_at = excluded.updated_at""")) {
                ps.setString(1, provider);
                ps.setString(2, model);
                ps.setString(3, priceJson);
                ps.setLong(4, clock.millis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<PriceOverride> find(String provider, String model) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM price_overrides WHERE provider = ? AND model = ?")) {
                ps.setString(1, provider);
                ps.setString(2, model);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every override, by provider then model. */
    public List<PriceOverride> list() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM price_overrides ORDER BY provider, model");
                 ResultSet rs = ps.executeQuery()) {
                List<PriceOverride> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    public boolean delete(String provider, String model) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM price_overrides WHERE provider = ? AND model = ?")) {
                ps.setString(1, provider);
                ps.setString(2, model);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static PriceOverride map(ResultSet rs) throws SQLException {
        return new PriceOverride(rs.getString("provider"), rs.getString("model"), rs.getString("price_json"),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
