package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {
    @TempDir
    Path dir;

    private Connection open() throws SQLException {
        Connection raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        Connection c = StatementCache.wrap(raw, 2);
        try (var st = c.createStatement()) {
            st.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
        }
        return c;
    }

    private static void insert(Connection c, String v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
            ps.setString(1, v);
            ps.executeUpdate();
        }
    }

    private static List<String> all(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY k"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void aStatementClosedIsKeptAndPreparedOnceWithItsParametersCleared() throws SQLException {
        try (Connection c = open()) {
            PreparedStatement first;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                first = ps;
                ps.setString(1, "a");
                ps.executeUpdate();
            }
            assertThat(first.isClosed()).isTrue(); // as the caller sees it: handed back
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                assertThat(ps).isSameAs(first);
                assertThat(ps.isClosed()).isFalse();
                assertThat(ps.getConnection()).isSameAs(c);
                ps.executeUpdate(); // the parameter of the last use was cleared: NULL, not "a"
            }
            insert(c, "b");
            assertThat(all(c)).containsExactly("a", null, "b");
            assertThat(Jdbc.lastInsertId(c)).isEqualTo(3);
        }
    }

    @Test
    void theSameSqlUsedWhileItsKeptStatementIsOpenGetsAStatementOfItsOwn() throws SQLException {
        try (Connection c = open()) {
            insert(c, "a");
            insert(c, "b");
            List<String> pairs = new ArrayList<>();
            try (PreparedStatement outer = c.prepareStatement("SELECT v FROM t ORDER BY k");
                 ResultSet rs = outer.executeQuery()) {
                while (rs.next()) {
                    // a nested read of the same SQL must not reset the outer cursor
                    pairs.add(rs.getString(1) + all(c));
                }
            }
            assertThat(pairs).containsExactly("a[a, b]", "b[a, b]");
        }
    }

    @Test
    void theLeastRecentlyUsedIsClosedPastTheCapacityAndClosingTheConnectionClosesTheRest() throws SQLException {
        List<PreparedStatement> kept = new ArrayList<>();
        Connection c = open();
        for (String sql : List.of("SELECT 1", "SELECT 2", "SELECT 3")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                kept.add(ps);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            assertThat(ps).isNotSameAs(kept.get(0)); // evicted: capacity 2
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 3")) {
            assertThat(ps).isSameAs(kept.get(2));
        }
        PreparedStatement held = c.prepareStatement("SELECT 3");
        c.close();
        assertThat(held.isClosed()).isTrue();
        assertThat(c.isClosed()).isTrue();
    }
}
