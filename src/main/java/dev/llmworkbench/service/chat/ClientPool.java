package dev.llmworkbench.service.chat;

import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.client.HttpClients;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.LongSupplier;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Makes wire clients that share one connection pool and dispatcher (the base {@link OkHttpClient}
 * built by the composition root), each with its profile's proxy, CA and timeouts. Clients are kept
 * (a few dozen at most, the oldest dropped) so that a batch does not build an HTTP client per request;
 * {@link #client} takes no lock when the client is there (every request asks for one).
 *
 * <p>Sized from the runs' concurrency ({@link #ensureCapacity}): the dispatcher runs at most that many calls
 * at once, per host and in all, on at most that many threads (a call beyond waits in the dispatcher's queue,
 * it does not start one more thread), and the pool keeps that many idle connections. The size only grows
 * (a desktop may run a batch and a chat at once), from {@link #DEFAULT_CAPACITY}.
 */
public final class ClientPool implements AutoCloseable {
    /** Calls in flight (and dispatcher threads) before any run asks for more. */
    public static final int DEFAULT_CAPACITY = 64;
    private static final int MAX_CLIENTS = 64;
    private final OkHttpClient base;
    private final ThreadPoolExecutor dispatcherThreads;
    private final LongSupplier nanoTicker;
    private final ConcurrentHashMap<Key, OpenAiClient> clients = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Key> order = new ConcurrentLinkedQueue<>();
    private int capacity;
    private volatile Last last;

    public ClientPool(OkHttpClient base, LongSupplier nanoTicker) {
        this(base, null, nanoTicker);
    }

    private ClientPool(OkHttpClient base, ThreadPoolExecutor dispatcherThreads, LongSupplier nanoTicker) {
        this.base = base;
        this.dispatcherThreads = dispatcherThreads;
        this.nanoTicker = nanoTicker;
    }

    /** A pool with a fresh base client (HTTP/1.1, default timeouts), sized for {@link #DEFAULT_CAPACITY}. */
    public static ClientPool create() {
        ProviderProfile none = ProviderProfile.of("base", "http://127.0.0.1");
        // the dispatcher's threads read every response: background work, below the UI (DaemonThreads)
        ThreadPoolExecutor threads = DaemonThreads.unownedBounded("OkHttp Dispatcher", DEFAULT_CAPACITY);
        // idle connections kept: as many as may be in flight at once (OkHttp keeps 5 by default, so a
        // concurrency of 16 would open a new connection for most requests); the count only bounds idle ones
        OkHttpClient base = HttpClients.create(none, Timeouts.defaults()).newBuilder()
                .dispatcher(new Dispatcher(threads))
                .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES)).build();
        ClientPool pool = new ClientPool(base, threads, System::nanoTime);
        pool.ensureCapacity(DEFAULT_CAPACITY);
        return pool;
    }

    /**
     * Lets {@code concurrency} calls run at once (to one host and in all) on as many dispatcher threads; never
     * lowers what an earlier run asked for.
     */
    public synchronized void ensureCapacity(int concurrency) {
        if (concurrency <= capacity) {
            return;
        }
        capacity = concurrency;
        Dispatcher d = base.dispatcher();
        if (dispatcherThreads != null && dispatcherThreads.getMaximumPoolSize() < concurrency) {
            dispatcherThreads.setMaximumPoolSize(concurrency);
            dispatcherThreads.setCorePoolSize(concurrency);
        }
        // a base client given from outside may allow more already: never lowered
        d.setMaxRequests(Math.max(d.getMaxRequests(), concurrency));
        d.setMaxRequestsPerHost(Math.max(d.getMaxRequestsPerHost(), concurrency));
    }

    /** The base client whose dispatcher and pool every client shares (for tests). */
    OkHttpClient base() {
        return base;
    }

    public OpenAiClient client(ProviderProfile profile, ApiKey key, Timeouts timeouts) {
        String secret = key == null ? null : key.reveal();
        Last l = last;
        // a run asks with the same profile and timeouts objects for every request: no hashing of the profile
        // (one dropped from the kept ones since still works: it shares the base client's pool and dispatcher)
        if (l != null && l.profile == profile && l.timeouts == timeouts && Objects.equals(l.secret, secret)) {
            return l.client;
        }
        Key k = new Key(profile, secret, timeouts);
        OpenAiClient c = clients.get(k);
        if (c == null) {
            c = newClient(k, key);
        }
        last = new Last(profile, secret, timeouts, c);
        return c;
    }

    /** The last client asked for, by the very objects it was asked with. */
    private record Last(ProviderProfile profile, String secret, Timeouts timeouts, OpenAiClient client) {
        @Override
        public String toString() {
            return "Last[" + profile.name() + "]"; // never the key
        }
    }

    private synchronized OpenAiClient newClient(Key k, ApiKey key) {
        OpenAiClient c = clients.get(k);
        if (c == null) {
            c = new OpenAiClient(k.profile, key, k.timeouts, HttpClients.create(k.profile, k.timeouts, base),
                    nanoTicker);
            clients.put(k, c);
            order.add(k);
            while (clients.size() > MAX_CLIENTS) {
                Key oldest = order.poll();
                if (oldest == null) {
                    break;
                }
                clients.remove(oldest);
            }
        }
        return c;
    }

    @Override
    public void close() {
        clients.clear();
        order.clear();
        last = null;
        base.dispatcher().executorService().shutdown();
        base.connectionPool().evictAll();
    }

    /** Not a record: its string form must never show the key. */
    private static final class Key {
        private final ProviderProfile profile;
        private final String secret;
        private final Timeouts timeouts;

        Key(ProviderProfile profile, String secret, Timeouts timeouts) {
            this.profile = profile;
            this.secret = secret;
            this.timeouts = timeouts;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && profile.equals(k.profile) && Objects.equals(secret, k.secret)
                    && timeouts.equals(k.timeouts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(profile, secret, timeouts);
        }

        @Override
        public String toString() {
            return "Key[" + profile.name() + "]";
        }
    }
}
