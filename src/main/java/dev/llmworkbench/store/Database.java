package dev.llmworkbench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite file: WAL journal, {@code synchronous=NORMAL} (a commit survives a killed process),
 * foreign keys on, a busy timeout for other processes sharing the file, and the schema migrated to
 * {@link Schema#latestVersion()} on open.
 *
 * <p>Thread-safe: one connection guarded by a lock, so any thread may call any store at any time;
 * each call is one short statement or one short transaction, committed before it returns (nothing is
 * buffered that a {@code kill -9} could lose). Writes are {@code BEGIN IMMEDIATE} transactions, so two
 * processes sharing the file wait for each other (busy timeout) instead of failing mid-transaction.
 *
 * <p>It also holds the {@link Redactor} every store runs text through before writing it.
 */
public final class Database implements AutoCloseable {
    /** Work on the connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    static final int BUSY_TIMEOUT_MS = 10_000;

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Redactor redactor = new Redactor();
    private volatile boolean closed;

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating the file and its folders when missing) and migrates to the latest version. */
    public static Database open(Path file) {
        return open(file, Schema.latestVersion());
    }

    /** Opens and migrates up to {@code targetVersion} only: for migration tests. */
    static Database open(Path file, int targetVersion) {
        Path abs = file.toAbsolutePath().normalize();
        try {
            if (abs.getParent() != null) {
                Private.folder(abs.getParent());
            }
            Private.createFile(abs);
        } catch (IOException e) {
            throw new StoreException("cannot create the folder of the database " + abs + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Connection c;
        try {
            c = config.createConnection("jdbc:sqlite:" + abs);
        } catch (SQLException e) {
            throw StoreException.of(abs, e);
        }
        Database db = new Database(abs, c);
        try {
            db.migrate(targetVersion);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        Private.tighten(abs);
        return db;
    }

    private void migrate(int targetVersion) {
        int current = schemaVersion();
        if (current > Schema.latestVersion()) {
            throw new StoreException("the database " + file + " has schema version " + current
                    + ", newer than this program knows (" + Schema.latestVersion() + "); use a newer version");
        }
        for (Schema.Migration m : Schema.MIGRATIONS) {
            if (m.version() <= current || m.version() > targetVersion) {
                continue;
            }
            write(conn -> {
                try (Statement st = conn.createStatement()) {
                    for (String sql : m.statements()) {
                        st.execute(sql);
                    }
                    st.execute("PRAGMA user_version = " + m.version());
                }
                return null;
            });
        }
    }

    /** The schema version ({@code PRAGMA user_version}). */
    public int schemaVersion() {
        return read(conn -> {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    /** The journal mode in force, {@code wal} normally. */
    public String journalMode() {
        return pragma("journal_mode");
    }

    /** Reads a pragma's value as text (e.g. {@code synchronous}, {@code foreign_keys}). */
    public String pragma(String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a pragma name: " + name);
        }
        return read(conn -> {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    public Path file() {
        return file;
    }

    /** Scrubs secrets from what the stores write; register keys the process knows with it. */
    public Redactor redactor() {
        return redactor;
    }

    /** Runs {@code work} under the lock, in auto-commit mode (reads, single statements). */
    public <T> T read(SqlWork<T> work) {
        UiThreadIo.check("Database.read");
        lock.lock();
        try {
            ensureOpen();
            return work.apply(connection);
        } catch (SQLException e) {
            throw StoreException.of(file, e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in one transaction, committed before this returns, rolled back on any failure. */
    public <T> T write(SqlWork<T> work) {
        UiThreadIo.check("Database.write");
        lock.lock();
        try {
            ensureOpen();
            connection.setAutoCommit(false);
            Throwable failure = null;
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                failure = e;
                try {
                    connection.rollback();
                } catch (SQLException re) {
                    e.addSuppressed(re);
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException e) {
                    // after a full disk SQLite has rolled back already and this fails too ("no transaction is
                    // active"): the first failure is the one to say
                    if (failure == null) {
                        throw e;
                    }
                    failure.addSuppressed(e);
                }
            }
        } catch (SQLException e) {
            throw StoreException.of(file, e);
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("the database " + file + " is closed");
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                connection.close();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot close the database: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Database[" + file + "]";
    }
}
