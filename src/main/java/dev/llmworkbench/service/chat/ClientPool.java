package dev.llmworkbench.service.chat;

import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.client.HttpClients;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Makes wire clients that share one connection pool and dispatcher (the base {@link OkHttpClient}
 * built by the composition root), each with its profile's proxy, CA and timeouts. Clients are kept
 * (a few dozen at most, least recently used dropped) so that a batch does not build an HTTP client
 * per request.
 */
public final class ClientPool implements AutoCloseable {
    private static final int MAX_CLIENTS = 64;
    private final OkHttpClient base;
    private final LongSupplier nanoTicker;
    private final Map<Key, OpenAiClient> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, OpenAiClient> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    public ClientPool(OkHttpClient base, LongSupplier nanoTicker) {
        this.base = base;
        this.nanoTicker = nanoTicker;
    }

    /** A pool with a fresh base client (HTTP/1.1, default timeouts). */
    public static ClientPool create() {
        ProviderProfile none = ProviderProfile.of("base", "http://127.0.0.1");
        // keep as many idle connections as a batch may run at once (OkHttp keeps 5 by default, so a
        // concurrency of 16 would open a new connection for most requests)
        // the dispatcher's threads read every response: background work, below the UI (DaemonThreads)
        OkHttpClient base = HttpClients.create(none, Timeouts.defaults()).newBuilder()
                .dispatcher(new Dispatcher(DaemonThreads.unownedCached("OkHttp Dispatcher")))
                .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES)).build();
        // one desktop or batch may keep many requests to one host in flight (OkHttp's default is 5)
        base.dispatcher().setMaxRequestsPerHost(256);
        base.dispatcher().setMaxRequests(512);
        return new ClientPool(base, System::nanoTime);
    }

    public OpenAiClient client(ProviderProfile profile, ApiKey key, Timeouts timeouts) {
        Key k = new Key(profile, key == null ? null : key.reveal(), timeouts);
        synchronized (clients) {
            OpenAiClient c = clients.get(k);
            if (c == null) {
                c = new OpenAiClient(profile, key, timeouts, HttpClients.create(profile, timeouts, base), nanoTicker);
                clients.put(k, c);
            }
            return c;
        }
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.clear();
        }
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
