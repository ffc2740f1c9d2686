package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database's single writer: hand-in without waiting, group commit, failures kept apart, close commits. */
class WriterTest {
    @TempDir
    Path dir;

    private final ExecutorService writerThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-store-writer");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        writerThread.shutdownNow();
    }

    private static Database.SqlWork<Long> insert(int x) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (x) VALUES (?)")) {
                ps.setInt(1, x);
                ps.executeUpdate();
            }
            return (long) x;
        };
    }

    private static List<Integer> rows(Database db) {
        return db.read(c -> {
            List<Integer> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT x FROM t ORDER BY x")) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
            return out;
        });
    }

    private static void createTable(Database db) {
        db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (x INTEGER NOT NULL CHECK (x >= 0))");
            }
            return null;
        });
    }

    /** Queues a first write that holds the writer until {@code release}; returns once it holds it. */
    private static CompletableFuture<Long> holdWriter(Database db, CountDownLatch release) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Long> held = db.writeLater(c -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0L;
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        return held;
    }

    @Test
    void aWriteHandedInReturnsAtOnceWhileTheWriterIsBusyAndIsAcknowledgedOnlyOnceCommitted() throws Exception {
        Path file = dir.resolve("w.db");
        try (Database db = Database.open(file, writerThread)) {
            createTable(db);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Long> held = holdWriter(db, release);
            // the caller (a thread of the network) hands the result in and goes on: nothing waits here
            CompletableFuture<Long> f = db.writeLater(insert(7));
            assertThat(f).isNotDone();
            try (Database other = Database.open(file)) {
                assertThat(rows(other)).isEmpty(); // not committed, not acknowledged
            }
            release.countDown();
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(7L);
            assertThat(held.get(10, TimeUnit.SECONDS)).isZero();
            // acknowledged: committed, visible to another connection (another process after a crash)
            try (Database other = Database.open(file)) {
                assertThat(rows(other)).containsExactly(7);
            }
        }
    }

    @Test
    void writesQueuedMeanwhileAreCommittedTogetherAndOnlyTheFailingOneFails() throws Exception {
        try (Database db = Database.open(dir.resolve("g.db"), writerThread)) {
            createTable(db);
            CountDownLatch release = new CountDownLatch(1);
            holdWriter(db, release);
            List<Thread> writers = new ArrayList<>();
            CompletableFuture<Long> a = db.writeLater(insert(1));
            CompletableFuture<Long> bad = db.writeLater(insert(-1)); // breaks the CHECK
            CompletableFuture<Long> b = db.writeLater(c -> {
                writers.add(Thread.currentThread());
                return insert(2).apply(c);
            });
            release.countDown();
            assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(StoreException.class).hasMessageContaining("CHECK");
            assertThat(rows(db)).containsExactly(1, 2);
            assertThat(writers).extracting(Thread::getName).containsOnly("test-store-writer");
        }
    }

    @Test
    void aWaitingWriteGetsItsResultOrItsErrorAsBefore() {
        try (Database db = Database.open(dir.resolve("s.db"), writerThread)) {
            createTable(db);
            assertThat(db.write(insert(3))).isEqualTo(3L);
            assertThatThrownBy(() -> db.write(insert(-3))).isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("database error in ").hasMessageContaining("CHECK constraint failed");
            assertThatThrownBy(() -> db.write(c -> {
                throw new IllegalStateException("own error");
            })).isInstanceOf(IllegalStateException.class).hasMessage("own error");
            assertThat(rows(db)).containsExactly(3);
        }
    }

    @Test
    void closeCommitsWhatIsQueuedEvenWhenTheWriterNeverRuns() {
        Path file = dir.resolve("c.db");
        List<Runnable> neverRun = new ArrayList<>();
        CompletableFuture<Long> f;
        try (Database db = Database.open(file)) {
            createTable(db);
        }
        try (Database db = Database.open(file, neverRun::add)) {
            f = db.writeLater(insert(5));
            assertThat(f).isNotDone();
        }
        assertThat(f).isCompletedWithValue(5L);
        try (Database db = Database.open(file)) {
            assertThat(rows(db)).containsExactly(5);
        }
    }

    @Test
    void aWriteAfterTheExecutorIsShutDownIsStillCommitted() throws Exception {
        try (Database db = Database.open(dir.resolve("x.db"), writerThread)) {
            createTable(db);
            writerThread.shutdownNow();
            assertThat(writerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(db.writeLater(insert(4)).get(10, TimeUnit.SECONDS)).isEqualTo(4L);
            assertThat(rows(db)).containsExactly(4);
        }
    }
}
