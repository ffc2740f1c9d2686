package dev.llmworkbench.sim;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Executor} the simulator gives the JDK's {@code HttpServer}, with what keeps one hostile client from
 * taking the server down: a header timeout, a body timeout, and a bounded number of requests being handled.
 *
 * <p>The JDK server keeps idle and newly accepted connections in its selector (no thread) and hands a connection to
 * its executor when the first byte of a request arrives; that task reads the request line and the headers, then
 * calls the handler, on the same thread. So here:
 * <ul>
 *   <li><b>Connection threads</b> run those tasks: up to {@link ServerLimits#maxHandlers()} plus
 *       {@link #EXTRA_CONNECTION_THREADS}; past that the task is refused and the JDK's dispatcher closes that
 *       connection. A thread reading headers holds no handler.</li>
 *   <li><b>The header timeout</b> runs from the task's start (the request's first byte) until the handler is
 *       entered ({@link Watch#headersDone}); when it passes, the thread is interrupted, which closes the
 *       socket channel it is blocked on (an interruptible channel), and the JDK drops the connection. No 408 can be
 *       written then: the JDK owns the half-read request.</li>
 *   <li><b>The body timeout</b> runs from {@link Watch#headersDone} until the handler has read the body
 *       ({@link Watch#claim}); when it passes, a 408 with {@code Connection: close} is written on another thread
 *       while the handler is still blocked reading, then the handler's thread is interrupted, which closes the
 *       connection: a {@code Content-Length} larger than the body sent ends there.</li>
 *   <li><b>Handlers</b>: a semaphore of {@link ServerLimits#maxHandlers()} permits, taken after routing and
 *       authentication and before the body is read, held until the response is over ({@link #tryAcquireHandler}).</li>
 *   <li><b>Body bytes</b>: the bodies buffered by the requests being handled are at most
 *       {@link ServerLimits#maxBufferedBodyBytes()} in all ({@link #tryReserveBody}), so that many large bodies at
 *       once cannot exhaust the heap either.</li>
 * </ul>
 * An interrupt reaches a thread only while it still runs the exchange it was meant for (under the watch's lock), and
 * is cleared before the thread takes another task.
 */
final class ConnectionGuard implements Executor, AutoCloseable {
    /** Connection threads beyond the handlers: for requests still sending their headers (and short answers). */
    static final int EXTRA_CONNECTION_THREADS = 1024;

    /** Thrown to end an exchange by closing its connection, without draining the rest of the request. */
    static final class Hangup extends IOException {
        private static final long serialVersionUID = 1L;

        Hangup(String why, Throwable cause) {
            super(why, cause);
        }
    }

    private enum Phase { HEADERS, BODY, HANDLING, TIMED_OUT }

    /** Something that answers a timed-out body: writes the 408 without closing the exchange. */
    interface TimeoutAnswer {
        void send(HttpExchange ex) throws IOException;
    }

    private final ServerLimits limits;
    private final ThreadPoolExecutor threads;
    private final ScheduledThreadPoolExecutor watchdog;
    private final Semaphore handlers;
    private final ThreadLocal<Watch> current = new ThreadLocal<>();
    private final TimeoutAnswer timeoutAnswer;
    /** Body bytes buffered (or about to be) by the requests being handled; at most {@link #bodyBudget}. */
    private final AtomicLong bodyBytes = new AtomicLong();
    private final long bodyBudget;

    ConnectionGuard(ServerLimits limits, ThreadFactory connectionThreads, ThreadFactory watchdogThread,
                    TimeoutAnswer timeoutAnswer) {
        this.limits = limits;
        this.timeoutAnswer = timeoutAnswer;
        this.handlers = new Semaphore(limits.maxHandlers());
        this.bodyBudget = limits.maxBufferedBodyBytes();
        this.threads = new ThreadPoolExecutor(0, limits.maxHandlers() + EXTRA_CONNECTION_THREADS, 30,
                TimeUnit.SECONDS, new SynchronousQueue<>(), connectionThreads);
        this.watchdog = new ScheduledThreadPoolExecutor(1, watchdogThread);
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /** Runs a JDK exchange task on a connection thread, under a header timeout starting now. */
    @Override
    public void execute(Runnable task) {
        // RejectedExecutionException (all connection threads busy) reaches the JDK's dispatcher, which closes the
        // connection
        threads.execute(() -> {
            Watch w = new Watch(Thread.currentThread());
            current.set(w);
            try {
                w.start();
                task.run();
            } finally {
                w.finish();
                current.remove();
                // an interrupt can only have been sent while this exchange ran: not the next one's
                Thread.interrupted();
            }
        });
    }

    /** Runs something on a connection thread (the server's start, so its dispatcher inherits their priority). */
    Future<?> submit(Runnable r) {
        return threads.submit(r);
    }

    /** The watch of the exchange running on this thread. */
    Watch current() {
        Watch w = current.get();
        if (w == null) {
            throw new IllegalStateException("not on one of the simulator's connection threads");
        }
        return w;
    }

    /** A handler for one request, or false when {@link ServerLimits#maxHandlers()} requests are being handled. */
    boolean tryAcquireHandler() {
        return handlers.tryAcquire();
    }

    void releaseHandler() {
        handlers.release();
    }

    /** Reserves {@code n} bytes of body buffer, or false when the requests being handled hold the budget already. */
    boolean tryReserveBody(long n) {
        while (true) {
            long now = bodyBytes.get();
            if (now + n > bodyBudget) {
                return false;
            }
            if (bodyBytes.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    void releaseBody(long n) {
        bodyBytes.addAndGet(-n);
    }

    /** Body bytes reserved by the requests being handled. */
    long bufferedBodyBytes() {
        return bodyBytes.get();
    }

    /** Requests being handled now. */
    int busyHandlers() {
        return limits.maxHandlers() - handlers.availablePermits();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, Duration after) {
        try {
            return watchdog.schedule(r, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // closing
        }
    }

    /** The timeouts of one exchange (one request on one connection thread). */
    final class Watch {
        private final Thread thread;
        private final CountDownLatch answered = new CountDownLatch(1);
        private Phase phase = Phase.HEADERS;
        /** The thread still runs this exchange: only then may it be interrupted. */
        private boolean active = true;
        private ScheduledFuture<?> timer;
        private HttpExchange exchange;

        private Watch(Thread thread) {
            this.thread = thread;
        }

        private synchronized void start() {
            timer = schedule(this::headersTimedOut, limits.headerTimeout());
        }

        private synchronized void finish() {
            active = false;
            cancelTimer();
        }

        /**
         * The headers are in: the header timeout stops, and when a body follows the body timeout starts.
         *
         * @throws Hangup when the header timeout passed already (the connection is being closed)
         */
        synchronized void headersDone(HttpExchange ex, boolean bodyFollows) throws Hangup {
            cancelTimer();
            if (phase != Phase.HEADERS) {
                throw new Hangup("the headers took longer than " + limits.headerTimeout().toMillis() + " ms", null);
            }
            if (bodyFollows) {
                phase = Phase.BODY;
                exchange = ex;
                timer = schedule(this::bodyTimedOut, limits.bodyTimeout());
            } else {
                phase = Phase.HANDLING;
            }
        }

        /**
         * The handler takes the response over: the body timeout stops. False when it passed already: the 408 is
         * being sent, and the caller should {@link #awaitTimeoutAnswer()} and hang up.
         */
        synchronized boolean claim() {
            cancelTimer();
            if (phase == Phase.TIMED_OUT) {
                return false;
            }
            phase = Phase.HANDLING;
            return true;
        }

        /** Waits (at most a second) for the 408 to be written, so that hanging up does not cut it. */
        void awaitTimeoutAnswer() {
            try {
                answered.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // the writer interrupts this thread once the 408 is out
            }
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private synchronized void headersTimedOut() {
            if (phase == Phase.HEADERS) {
                phase = Phase.TIMED_OUT;
                interrupt();
            }
        }

        private void bodyTimedOut() {
            HttpExchange ex;
            synchronized (this) {
                if (phase != Phase.BODY) {
                    return;
                }
                phase = Phase.TIMED_OUT;
                ex = exchange;
            }
            Runnable answer = () -> {
                try {
                    timeoutAnswer.send(ex);
                } catch (IOException | RuntimeException e) {
                    // the client is gone already: hanging up is all that is left
                } finally {
                    answered.countDown();
                    synchronized (this) {
                        interrupt();
                    }
                }
            };
            try {
                // a write can block on a client that reads nothing: never on the watchdog's one thread
                threads.execute(answer);
            } catch (RejectedExecutionException e) {
                answered.countDown();
                synchronized (this) {
                    interrupt();
                }
            }
        }

        /** Interrupts the exchange's thread if it still runs it: its blocked channel read closes the connection. */
        private void interrupt() {
            assert Thread.holdsLock(this);
            if (active) {
                thread.interrupt();
            }
        }
    }
}
