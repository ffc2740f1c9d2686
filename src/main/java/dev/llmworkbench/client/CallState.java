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
 * the moment of enqueueing until then), which phase the call is in, and one watchdog over the
 * first-byte, idle and total timeouts (an okio {@link AsyncTimeout}, see {@link CallWatch}) that
 * cancels the call when one passes and remembers which one fired. The connect timeout is OkHttp's own.
 */
final class CallState {
    private final LongSupplier ticker;
    private final Timeouts timeouts;
    private final AtomicReference<String> timeoutCode = new AtomicReference<>();
    private final CallWatch watch;
    volatile long startNanos;
    volatile Errors.Phase phase = Errors.Phase.CONNECT;
    volatile boolean cancelled;
    volatile Call call;

    final EventListener events = new EventListener() {
        @Override
        public void requestHeadersStart(Call c) {
            startNanos = ticker.getAsLong();
            phase = Errors.Phase.WAITING_FOR_HEADERS;
            watch.requestSent();
        }

        @Override
        public void responseHeadersStart(Call c) {
            watch.headersArrived();
            phase = Errors.Phase.BODY;
        }

        @Override
        public void responseHeadersEnd(Call c, Response response) {
            watch.headersArrived();
        }

        @Override
        public void requestFailed(Call c, IOException ioe) {
            watch.headersArrived();
        }

        @Override
        public void callFailed(Call c, IOException ioe) {
            stopAll();
        }

        @Override
        public void callEnd(Call c) {
            watch.stop();
        }
    };

    CallState(LongSupplier ticker, Timeouts timeouts) {
        this.ticker = ticker;
        this.timeouts = timeouts;
        this.startNanos = ticker.getAsLong();
        this.watch = new CallWatch(timeouts);
    }

    /** Tags the request so that the client's event-listener factory finds this state. */
    Request tag(Request.Builder b) {
        return b.tag(CallState.class, this).build();
    }

    void startTotal() {
        watch.start();
    }

    void stopAll() {
        watch.stop();
    }

    long now() {
        return ticker.getAsLong();
    }

    /** A body source whose every blocking read is bounded by the idle timeout. */
    Source idleSource(Source delegate) {
        return new ForwardingSource(delegate) {
            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                watch.beginRead();
                try {
                    return super.read(sink, byteCount);
                } finally {
                    watch.endRead();
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

    /**
     * The first-byte, idle and total timeouts of one call with ONE okio watchdog, armed for the
     * nearest deadline that could pass and re-armed when it fires early: a request costs one timer
     * operation, not one per phase or per read (a stream makes thousands of reads). The phases only
     * stamp volatile fields. Real time, as for every network timeout; the first to pass wins and
     * cancels the call.
     */
    private final class CallWatch {
        private final long totalNanos;
        private final long firstByteNanos;
        private final long idleNanos;
        private final long startNanos = System.nanoTime();
        private final Object lock = new Object();
        private volatile long requestSentNanos;
        private volatile boolean waitingForHeaders;
        private volatile long readStartNanos;
        private volatile boolean reading;
        private boolean stopped;
        private AsyncTimeout current;

        CallWatch(Timeouts t) {
            this.totalNanos = t.total().toNanos();
            this.firstByteNanos = t.firstByte().toNanos();
            this.idleNanos = t.idle().toNanos();
        }

        void start() {
            long d = nextCheck(System.nanoTime());
            if (d > 0) {
                arm(d);
            }
        }

        void requestSent() {
            requestSentNanos = System.nanoTime();
            waitingForHeaders = true;
        }

        void headersArrived() {
            waitingForHeaders = false;
        }

        void beginRead() {
            readStartNanos = System.nanoTime();
            reading = true;
        }

        void endRead() {
            reading = false;
        }

        void stop() {
            synchronized (lock) {
                stopped = true;
                if (current != null) {
                    current.exit();
                    current = null;
                }
            }
        }

        /** Nanoseconds until the nearest deadline that could pass (never before it); 0 = none to watch. */
        private long nextCheck(long now) {
            long next = Long.MAX_VALUE;
            if (totalNanos > 0) {
                next = Math.min(next, startNanos + totalNanos - now);
            }
            if (firstByteNanos > 0) {
                // before the request is sent, the first byte cannot be due sooner than a full period
                next = Math.min(next, waitingForHeaders ? requestSentNanos + firstByteNanos - now : firstByteNanos);
            }
            if (idleNanos > 0) {
                next = Math.min(next, reading ? readStartNanos + idleNanos - now : idleNanos);
            }
            return next == Long.MAX_VALUE ? 0 : Math.max(next, 1_000_000L);
        }

        private void arm(long delayNanos) {
            synchronized (lock) {
                if (stopped) {
                    return;
                }
                AsyncTimeout t = new AsyncTimeout() {
                    @Override
                    protected void timedOut() {
                        check();
                    }
                };
                t.timeout(delayNanos, TimeUnit.NANOSECONDS);
                t.enter();
                current = t;
            }
        }

        private void check() {
            synchronized (lock) {
                if (stopped) {
                    return;
                }
            }
            long now = System.nanoTime();
            if (totalNanos > 0 && now - startNanos >= totalNanos) {
                fire("total_timeout");
            } else if (firstByteNanos > 0 && waitingForHeaders && now - requestSentNanos >= firstByteNanos) {
                fire("first_byte_timeout");
            } else if (idleNanos > 0 && reading && now - readStartNanos >= idleNanos) {
                fire("idle_timeout");
            } else {
                arm(nextCheck(now));
            }
        }

        private void fire(String code) {
            if (timeoutCode.compareAndSet(null, code)) {
                Call c = call;
                if (c != null) {
                    c.cancel();
                }
            }
        }
    }
}
