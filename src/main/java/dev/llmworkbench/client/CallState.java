package dev.llmworkbench.client;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Timeouts;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Request;
import okhttp3.Response;
import okio.AsyncTimeout;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;

/**
 * The per-call bookkeeping shared with OkHttp's {@link EventListener}: when the request was sent
 * (request start = {@code requestHeadersStart}, updated if OkHttp retries on a fresh connection;
 * the moment of enqueueing until then), which phase the call is in, and three watchdogs (okio
 * {@link AsyncTimeout}s) that cancel the call when the first-byte, idle or total timeout passes and
 * remember which one fired. The connect timeout is OkHttp's own.
 */
final class CallState {
    private final LongSupplier ticker;
    private final Timeouts timeouts;
    private final AtomicReference<String> timeoutCode = new AtomicReference<>();
    private final Watchdog firstByte;
    private final IdleWatch idle;
    private final Watchdog total;
    volatile long startNanos;
    volatile Errors.Phase phase = Errors.Phase.CONNECT;
    volatile boolean cancelled;
    volatile Call call;

    final EventListener events = new EventListener() {
        @Override
        public void requestHeadersStart(Call c) {
            startNanos = ticker.getAsLong();
            phase = Errors.Phase.WAITING_FOR_HEADERS;
            firstByte.begin();
        }

        @Override
        public void responseHeadersStart(Call c) {
            firstByte.end();
            phase = Errors.Phase.BODY;
        }

        @Override
        public void responseHeadersEnd(Call c, Response response) {
            firstByte.end();
        }

        @Override
        public void requestFailed(Call c, IOException ioe) {
            firstByte.end();
        }

        @Override
        public void callFailed(Call c, IOException ioe) {
            stopAll();
        }

        @Override
        public void callEnd(Call c) {
            firstByte.end();
            idle.stop();
        }
    };

    CallState(LongSupplier ticker, Timeouts timeouts) {
        this.ticker = ticker;
        this.timeouts = timeouts;
        this.startNanos = ticker.getAsLong();
        this.firstByte = new Watchdog(timeouts.firstByte(), "first_byte_timeout");
        this.idle = new IdleWatch(timeouts.idle());
        this.total = new Watchdog(timeouts.total(), "total_timeout");
    }

    /** Tags the request so that the client's event-listener factory finds this state. */
    Request tag(Request.Builder b) {
        return b.tag(CallState.class, this).build();
    }

    void startTotal() {
        total.begin();
    }

    void stopAll() {
        firstByte.end();
        idle.stop();
        total.end();
    }

    long now() {
        return ticker.getAsLong();
    }

    /** A body source whose every blocking read is bounded by the idle timeout. */
    Source idleSource(Source delegate) {
        idle.start();
        return new ForwardingSource(delegate) {
            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                idle.beginRead();
                try {
                    return super.read(sink, byteCount);
                } finally {
                    idle.endRead();
                }
            }
        };
    }

    /** The typed error for an I/O failure, telling a user's cancel and our timeouts apart. */
    ApiError classify(IOException e) {
        if (cancelled) {
            return cancelledError();
        }
        String code = timeoutCode.get();
        if (code != null) {
            return Errors.timeout(code, timeoutMessage(code));
        }
        ApiError err = Errors.fromIo(e, phase);
        if (err.kind() == ApiError.Kind.TIMEOUT) {
            return Errors.timeout(err.code(), timeoutMessage(err.code()));
        }
        return err;
    }

    static ApiError cancelledError() {
        return new ApiError(ApiError.Kind.CANCELLED, null, "cancelled", "cancelled", false, null, null);
    }

    private String timeoutMessage(String code) {
        return switch (code) {
            case "connect_timeout" -> "no connection within " + show(timeouts.connect()) + " (connect timeout)";
            case "first_byte_timeout" -> "no response within " + show(timeouts.firstByte())
                    + " of sending the request (first-byte timeout)";
            case "idle_timeout" -> "no data for " + show(timeouts.idle()) + " while reading the reply (idle timeout)";
            case "total_timeout" -> "the request took longer than " + show(timeouts.total()) + " (total timeout)";
            default -> "timed out";
        };
    }

    private static String show(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** Cancels the call when it fires; remembers which timeout it was (the first to fire wins). */
    private final class Watchdog extends AsyncTimeout {
        private final String code;
        private final boolean enabled;
        private boolean entered;

        Watchdog(Duration d, String code) {
            this.code = code;
            this.enabled = !d.isZero();
            if (enabled) {
                timeout(d.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        synchronized void begin() {
            if (enabled && !entered) {
                entered = true;
                enter();
            }
        }

        synchronized void end() {
            if (entered) {
                entered = false;
                exit();
            }
        }

        @Override
        protected void timedOut() {
            if (timeoutCode.compareAndSet(null, code)) {
                Call c = call;
                if (c != null) {
                    c.cancel();
                }
            }
        }
    }

    /**
     * The idle timeout without a timer operation per read (a stream makes thousands of reads): a read
     * only stamps when it starts and ends, and one okio watchdog, re-armed once per idle period, fires
     * when a read has been waiting for longer than the timeout. Real time, as for every network timeout.
     */
    private final class IdleWatch {
        private final long idleNanos;
        private final Object armLock = new Object();
        private volatile long readStartNanos;
        private volatile boolean reading;
        private boolean started;
        private boolean stopped;
        private AsyncTimeout current;

        IdleWatch(Duration d) {
            this.idleNanos = d.toNanos();
        }

        void start() {
            synchronized (armLock) {
                if (idleNanos <= 0 || started) {
                    return;
                }
                started = true;
            }
            arm(idleNanos);
        }

        void beginRead() {
            readStartNanos = System.nanoTime();
            reading = true;
        }

        void endRead() {
            reading = false;
        }

        void stop() {
            synchronized (armLock) {
                stopped = true;
                if (current != null) {
                    current.exit();
                    current = null;
                }
            }
        }

        private void arm(long delayNanos) {
            synchronized (armLock) {
                if (stopped) {
                    return;
                }
                AsyncTimeout t = new AsyncTimeout() {
                    @Override
                    protected void timedOut() {
                        check();
                    }
                };
                t.timeout(Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
                t.enter();
                current = t;
            }
        }

        private void check() {
            synchronized (armLock) {
                if (stopped) {
                    return;
                }
            }
            if (reading) {
                long waited = System.nanoTime() - readStartNanos;
                if (waited >= idleNanos) {
                    if (timeoutCode.compareAndSet(null, "idle_timeout")) {
                        Call c = call;
                        if (c != null) {
                            c.cancel();
                        }
                    }
                    return;
                }
                arm(idleNanos - waited);
            } else {
                arm(idleNanos);
            }
        }
    }
}
