package dev.llmworkbench.store;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Null-aware JDBC helpers. Instants are stored as epoch milliseconds, money as decimal text. */
final class Jdbc {
    private Jdbc() {
    }

    /** The row id the connection's last INSERT gave (through a kept statement: see {@link StatementCache}). */
    static long lastInsertId(java.sql.Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }

    static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }

    static void setInstant(PreparedStatement ps, int i, Instant v) throws SQLException {
        setLong(ps, i, v == null ? null : v.toEpochMilli());
    }

    static void setDecimal(PreparedStatement ps, int i, BigDecimal v) throws SQLException {
        ps.setString(i, v == null ? null : v.toPlainString());
    }

    static void setBool(PreparedStatement ps, int i, Boolean v) throws SQLException {
        setInt(ps, i, v == null ? null : (v ? 1 : 0));
    }

    static Integer getInt(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    static Long getLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    static Double getDouble(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    static Instant getInstant(ResultSet rs, String col) throws SQLException {
        Long v = getLong(rs, col);
        return v == null ? null : Instant.ofEpochMilli(v);
    }

    static BigDecimal getDecimal(ResultSet rs, String col) throws SQLException {
        String s = rs.getString(col);
        return s == null ? null : new BigDecimal(s);
    }

    static Boolean getBool(ResultSet rs, String col) throws SQLException {
        Integer v = getInt(rs, col);
        return v == null ? null : v != 0;
    }
}
