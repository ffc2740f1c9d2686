package dev.llmworkbench.service;

import dev.llmworkbench.client.HttpClients;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.util.function.LongSupplier;
import okhttp3.OkHttpClient;

/**
 * Makes wire clients that share one connection pool and dispatcher (the base {@link OkHttpClient}
 * built by the composition root), each with its profile's proxy, CA and timeouts.
 */
public final class ClientPool implements AutoCloseable {
    private final OkHttpClient base;
    private final LongSupplier nanoTicker;

    public ClientPool(OkHttpClient base, LongSupplier nanoTicker) {
        this.base = base;
        this.nanoTicker = nanoTicker;
    }

    /** A pool with a fresh base client (HTTP/1.1, default timeouts). */
    public static ClientPool create() {
        ProviderProfile none = ProviderProfile.of("base", "http://127.0.0.1");
        return new ClientPool(HttpClients.create(none, Timeouts.defaults()), System::nanoTime);
    }

    public OpenAiClient client(ProviderProfile profile, ApiKey key, Timeouts timeouts) {
        return new OpenAiClient(profile, key, timeouts, HttpClients.create(profile, timeouts, base), nanoTicker);
    }

    @Override
    public void close() {
        base.dispatcher().executorService().shutdown();
        base.connectionPool().evictAll();
    }
}
