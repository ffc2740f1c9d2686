package dev.llmworkbench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
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
 * <p>One writer. Opened with an executor ({@link #open(Path, Executor)}, as the composition roots do), every
 * write of every store goes through a single writer (a bounded queue drained by one task at a time on that
 * executor) that commits what was queued meanwhile in one transaction (group commit, see {@code Writer}):
 * {@link #write} hands the work in and waits for its commit, {@link #writeLater} hands it in and returns at
 * once with a future that completes once it is committed, which is what a network thread uses, so that it
 * never waits on SQLite. The writer lives here, in the store, rather than in a service: it is the store's
 * rule for its one connection (one writer, commits in the order handed in), every store's writes need it
 * whoever calls them, and grouping and isolating failed works are transaction matters; its thread comes from
 * the composition root (the store makes no thread). Opened without an executor ({@link #open(Path)}: tests,
 * tools), a write runs on the calling thread, as one transaction of its own.
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
    /** Prepared statements kept for reuse on the connection ({@link StatementCache}). */
    static final int STATEMENTS_KEPT = 96;

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Redactor redactor = new Redactor();
    private final Writer writer;
    private volatile boolean closed;

    private Database(Path file, Connection connection, Executor writes) {
        this.file = file;
        this.connection = StatementCache.wrap(connection, STATEMENTS_KEPT);
        this.writer = writes == null ? null : new Writer(this, writes);
    }

    /**
     * Opens (creating the file and its folders when missing) and migrates to the latest version; writes run on
     * the calling thread.
     */
    public static Database open(Path file) {
        return open(file, Schema.latestVersion(), null);
    }

    /**
     * As {@link #open(Path)}, with every write committed by the single writer on {@code writes} (an executor of
     * the composition root, one thread is enough: one task at a time runs there); a write handed in after the
     * executor is shut down runs on the calling thread.
     */
    public static Database open(Path file, Executor writes) {
        return open(file, Schema.latestVersion(), java.util.Objects.requireNonNull(writes, "writes"));
    }

    /** Opens and migrates up to {@code targetVersion} only: for migration tests. */
    static Database open(Path file, int targetVersion) {
        return open(file, targetVersion, null);
    }

    private static Database open(Path file, int targetVersion, Executor writes) {
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
        Database db = new Database(abs, c, writes);
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

    /**
     * Runs {@code work} in one transaction (with others, by the single writer, when there is one), committed
     * before this returns, rolled back on any failure.
     */
    public <T> T write(SqlWork<T> work) {
        UiThreadIo.check("Database.write");
        Writer w = writer;
        if (w == null || w.isWriterThread()) {
            return writeHere(work);
        }
        try {
            return w.submit(work).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new StoreException("database error: " + cause, cause);
        }
    }

    /**
     * Hands {@code work} to the single writer and returns at once (waiting only when its queue is full): the
     * future completes, on the writer's thread, once the work is committed, or exceptionally when it failed
     * (a {@link StoreException} for a database error) and was rolled back. Dependent actions run on the
     * writer's thread: keep them short, and never wait there for a lock a thread that writes may hold.
     * Without a writer the work runs now, on this thread.
     */
    public <T> CompletableFuture<T> writeLater(SqlWork<T> work) {
        Writer w = writer;
        if (w == null || w.isWriterThread()) {
            try {
                return CompletableFuture.completedFuture(writeHere(work));
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        ensureOpen();
        return w.submit(work);
    }

    private <T> T writeHere(SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return transaction(work);
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: {@code work} in one transaction, committed, or rolled back on any failure. */
    private <T> T transaction(SqlWork<T> work) {
        try {
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
        }
    }

    /**
     * The writer's group commit: the works in one transaction, then their futures completed (after the lock
     * is released); when any fails, the group is rolled back and each work runs again alone, so only the
     * failing ones fail. Never throws.
     */
    void commitGroup(List<Writer.Pending<?>> group) {
        Throwable failure = runLocked(c -> {
            for (Writer.Pending<?> p : group) {
                p.apply(c);
            }
            return null;
        });
        if (failure == null) {
            group.forEach(Writer.Pending::complete);
            return;
        }
        if (group.size() == 1) {
            group.get(0).future.completeExceptionally(failure);
            return;
        }
        for (Writer.Pending<?> p : group) {
            Throwable f = runLocked(c -> {
                p.apply(c);
                return null;
            });
            if (f == null) {
                p.complete();
            } else {
                p.future.completeExceptionally(f);
            }
        }
    }

    private Throwable runLocked(SqlWork<Void> work) {
        lock.lock();
        try {
            ensureOpen();
            transaction(work);
            return null;
        } catch (RuntimeException | Error e) {
            return e;
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("the database " + file + " is closed");
        }
    }

    /** Commits what the writer has queued, then closes the connection; a write handed in later fails. */
    @Override
    public void close() {
        Writer w = writer;
        if (w != null && !w.isWriterThread() && !closed) {
            w.drainAll();
        }
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
