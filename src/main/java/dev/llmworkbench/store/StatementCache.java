package dev.llmworkbench.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database's one connection, keeping its prepared statements for reuse: sqlite-jdbc compiles the SQL
 * again on every {@code prepareStatement}, which was a third of the writer thread's time when a batch stores
 * its results (five statements an item). The stores keep writing {@code try (PreparedStatement ps =
 * c.prepareStatement(sql))}: closing a kept statement clears its parameters and hands it back instead.
 *
 * <p>Only the database's lock holder uses the connection, one thread at a time; a statement asked for again
 * while the same SQL's kept one is still open (a nested use) is prepared afresh and really closed. At most
 * {@code capacity} statements are kept, the least recently used closed first; closing the connection closes
 * them all.
 */
final class StatementCache implements InvocationHandler {
    private final Connection raw;
    private final Connection proxy;
    private final Map<String, Kept> kept;

    private StatementCache(Connection raw, int capacity) {
        this.raw = raw;
        this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, this);
        this.kept = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                if (size() <= capacity || eldest.getValue().inUse) {
                    return false;
                }
                eldest.getValue().closeQuietly();
                return true;
            }
        };
    }

    /** {@code raw} with its prepared statements kept, at most {@code capacity} of them. */
    static Connection wrap(Connection raw, int capacity) {
        return new StatementCache(raw, capacity).proxy;
    }

    @Override
    public Object invoke(Object self, Method m, Object[] args) throws Throwable {
        String name = m.getName();
        if (name.equals("prepareStatement") && args.length <= 2 && args[0] instanceof String sql
                && (args.length == 1 || args[1] instanceof Integer)) {
            return prepare(sql, args.length == 1 ? -1 : (Integer) args[1]);
        }
        if (name.equals("close") && args == null) {
            closeKept();
        }
        return call(raw, m, args);
    }

    private PreparedStatement prepare(String sql, int keys) throws SQLException {
        String key = keys + "\u0000" + sql;
        Kept k = kept.get(key);
        if (k != null && k.inUse) {
            return keys < 0 ? raw.prepareStatement(sql) : raw.prepareStatement(sql, keys);
        }
        if (k == null) {
            k = new Kept(keys < 0 ? raw.prepareStatement(sql) : raw.prepareStatement(sql, keys));
            kept.put(key, k);
        }
        k.inUse = true;
        return k.handle;
    }

    private void closeKept() {
        List<Kept> all = new ArrayList<>(kept.values());
        kept.clear();
        all.forEach(Kept::closeQuietly);
    }

    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One kept statement and the handle the stores get, whose close hands it back. */
    private final class Kept implements InvocationHandler {
        final PreparedStatement statement;
        final PreparedStatement handle;
        boolean inUse;

        Kept(PreparedStatement statement) {
            this.statement = statement;
            this.handle = (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        @Override
        public Object invoke(Object self, Method m, Object[] args) throws Throwable {
            switch (m.getName()) {
                case "close" -> {
                    if (args == null) {
                        handBack();
                        return null;
                    }
                }
                case "isClosed" -> {
                    if (args == null) {
                        return !inUse || statement.isClosed();
                    }
                }
                case "getConnection" -> {
                    if (args == null) {
                        return proxy;
                    }
                }
                default -> {
                    // every other call goes to the statement
                }
            }
            return call(statement, m, args);
        }

        private void handBack() throws SQLException {
            if (!inUse) {
                return;
            }
            inUse = false;
            if (statement.isClosed()) {
                kept.values().remove(this);
                return;
            }
            statement.clearParameters();
            statement.clearBatch();
        }

        void closeQuietly() {
            try {
                statement.close();
            } catch (SQLException e) {
                // closing a statement of a connection going away: nothing to keep
            }
        }
    }
}
