package dev.llmworkbench.store;

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
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Evaluation grids (migration 9): a grid belongs to a run of kind {@code eval}; each of its columns is a batch job
 * of that run, each cell one item of its column's job. The cell's answer, cost and latency are the item's stored
 * result ({@link BatchStore}); this store keeps what the grid adds: the plan, which job is which column, and per
 * cell the checks' verdicts and what the judge model cost.
 */
public final class EvalStore {
    /** A stored grid: its plan as JSON (never a key), its status ({@code pending}, {@code running}, ...). */
    public record GridRecord(String id, long runId, String configPath, String planJson, String status,
                             Instant createdAt, Instant updatedAt) {
    }

    /** One column: its index and its batch job. */
    public record ColumnRecord(int col, String jobId) {
    }

    /**
     * One cell: where it is, its batch item, and once checked its verdicts ({@code checksJson}, a JSON array),
     * whether it passed and what the judge cost (null before it was checked).
     */
    public record CellRecord(int col, int row, long itemId, String checksJson, Boolean pass,
                             BigDecimal judgeCostUsd) {
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public EvalStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public EvalStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Stores a new grid of the run (status {@code pending}); the plan JSON is scrubbed of credentials. */
    public GridRecord createGrid(long runId, String configPath, String planJson) {
        String plan = db.redactor().json(planJson);
        long now = clock.millis();
        String id = db.write(c -> {
            String gridId = uniqueId(c, now);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO eval_grids (id, run_id, config_path, plan_json, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?)""")) {
                ps.setString(1, gridId);
                ps.setLong(2, runId);
                ps.setString(3, configPath);
                ps.setString(4, plan);
                ps.setLong(5, now);
                ps.setLong(6, now);
                ps.executeUpdate();
            }
            return gridId;
        });
        return grid(id).orElseThrow();
    }

    /** Adds a column (its job) and its cells, cell {@code row} being item {@code itemIds.get(row)}, in one transaction. */
    public void addColumn(String gridId, int col, String jobId, List<Long> itemIds) {
        long now = clock.millis();
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO eval_columns (grid_id, col, job_id) VALUES (?, ?, ?)")) {
                ps.setString(1, gridId);
                ps.setInt(2, col);
                ps.setString(3, jobId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO eval_cells (grid_id, col, row, item_id, updated_at) VALUES (?, ?, ?, ?, ?)""")) {
                for (int row = 0; row < itemIds.size(); row++) {
                    ps.setString(1, gridId);
                    ps.setInt(2, col);
                    ps.setInt(3, row);
                    ps.setLong(4, itemIds.get(row));
                    ps.setLong(5, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    public Optional<GridRecord> grid(String gridId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM eval_grids WHERE id = ?")) {
                ps.setString(1, gridId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapGrid(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The grid of a run of kind {@code eval}. */
    public Optional<GridRecord> gridByRun(long runId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM eval_grids WHERE run_id = ?")) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapGrid(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every grid, newest first. */
    public List<GridRecord> grids() {
        return db.read(c -> {
            List<GridRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM eval_grids ORDER BY created_at DESC, id DESC");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapGrid(rs));
                }
            }
            return out;
        });
    }

    public boolean updateStatus(String gridId, String status) {
        long now = clock.millis();
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE eval_grids SET status = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status);
                ps.setLong(2, now);
                ps.setString(3, gridId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** The grid's columns in order. */
    public List<ColumnRecord> columns(String gridId) {
        return db.read(c -> {
            List<ColumnRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT col, job_id FROM eval_columns WHERE grid_id = ? ORDER BY col")) {
                ps.setString(1, gridId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ColumnRecord(rs.getInt(1), rs.getString(2)));
                    }
                }
            }
            return out;
        });
    }

    /** The grid's cells, by column then row. */
    public List<CellRecord> cells(String gridId) {
        return db.read(c -> {
            List<CellRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT col, row, item_id, checks_json, pass, judge_cost_usd FROM eval_cells
                    WHERE grid_id = ? ORDER BY col, row""")) {
                ps.setString(1, gridId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new CellRecord(rs.getInt("col"), rs.getInt("row"), rs.getLong("item_id"),
                                rs.getString("checks_json"), Jdbc.getBool(rs, "pass"),
                                Jdbc.getDecimal(rs, "judge_cost_usd")));
                    }
                }
            }
            return out;
        });
    }

    /** Records a cell's verdicts (by its batch item); returns whether the cell exists. */
    public boolean saveVerdict(long itemId, String checksJson, boolean pass, BigDecimal judgeCostUsd) {
        String checks = db.redactor().json(checksJson);
        long now = clock.millis();
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE eval_cells SET checks_json = ?, pass = ?, judge_cost_usd = ?, updated_at = ?
                    WHERE item_id = ?""")) {
                ps.setString(1, checks);
                Jdbc.setBool(ps, 2, pass);
                Jdbc.setDecimal(ps, 3, judgeCostUsd);
                ps.setLong(4, now);
                ps.setLong(5, itemId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * Makes cells ready to run again, in one transaction: their items' results are deleted, the items put back to
     * {@code pending}, their verdicts cleared. What the answer and its judging cost stays in the item's billed
     * amount (money spent, counted in the grid's cost and its budget as a cancelled request's is). Items in flight
     * are left alone. Returns how many items moved.
     */
    public int requeue(Collection<Long> itemIds) {
        long now = clock.millis();
        return db.write(c -> {
            int moved = 0;
            try (PreparedStatement spent = c.prepareStatement("""
                    SELECT i.billed_usd, r.cost_usd, e.judge_cost_usd FROM batch_items i
                      LEFT JOIN results r ON r.item_id = i.id LEFT JOIN eval_cells e ON e.item_id = i.id
                    WHERE i.id = ? AND i.status IN ('done', 'failed', 'not_run', 'pending')""");
                 PreparedStatement bill = c.prepareStatement("UPDATE batch_items SET billed_usd = ? WHERE id = ?");
                 PreparedStatement del = c.prepareStatement("""
                    DELETE FROM results WHERE item_id = ?
                      AND (SELECT status FROM batch_items WHERE id = ?) <> 'in_flight'""");
                 PreparedStatement item = c.prepareStatement("""
                    UPDATE batch_items SET status = 'pending', reserved_usd = NULL, reserved_tokens = NULL,
                      updated_at = ? WHERE id = ? AND status IN ('done', 'failed', 'not_run', 'pending')""");
                 PreparedStatement cell = c.prepareStatement("""
                    UPDATE eval_cells SET checks_json = NULL, pass = NULL, judge_cost_usd = NULL, updated_at = ?
                    WHERE item_id = ?""")) {
                for (long id : itemIds) {
                    spent.setLong(1, id);
                    try (ResultSet rs = spent.executeQuery()) {
                        if (rs.next()) {
                            BigDecimal billed = sum(Jdbc.getDecimal(rs, "billed_usd"), Jdbc.getDecimal(rs, "cost_usd"),
                                    Jdbc.getDecimal(rs, "judge_cost_usd"));
                            if (billed != null) {
                                Jdbc.setDecimal(bill, 1, billed);
                                bill.setLong(2, id);
                                bill.executeUpdate();
                            }
                        }
                    }
                    del.setLong(1, id);
                    del.setLong(2, id);
                    del.executeUpdate();
                    item.setLong(1, now);
                    item.setLong(2, id);
                    moved += item.executeUpdate();
                    cell.setLong(1, now);
                    cell.setLong(2, id);
                    cell.executeUpdate();
                }
            }
            return moved;
        });
    }

    /** The sum of the amounts given; null when none is. */
    private static BigDecimal sum(BigDecimal... amounts) {
        BigDecimal total = null;
        for (BigDecimal a : amounts) {
            if (a != null) {
                total = total == null ? a : total.add(a);
            }
        }
        return total;
    }

    private String uniqueId(Connection c, long nowMillis) throws SQLException {
        String day = DAY.format(Instant.ofEpochMilli(nowMillis));
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM eval_grids WHERE id = ?")) {
            while (true) {
                byte[] b = new byte[3];
                random.nextBytes(b);
                String id = "e-" + day + "-" + HexFormat.of().formatHex(b);
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return id;
                    }
                }
            }
        }
    }

    private static GridRecord mapGrid(ResultSet rs) throws SQLException {
        return new GridRecord(rs.getString("id"), rs.getLong("run_id"), rs.getString("config_path"),
                rs.getString("plan_json"), rs.getString("status"), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
