package dev.llmworkbench.service.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.util.concurrent.ThreadPoolExecutor;
import okhttp3.Dispatcher;
import org.junit.jupiter.api.Test;

class ClientPoolTest {
    @Test
    void theDispatcherRunsAsManyCallsAsTheLargestRunAsksForOnAsManyThreadsAtMost() {
        try (ClientPool pool = ClientPool.create()) {
            Dispatcher d = pool.base().dispatcher();
            ThreadPoolExecutor threads = (ThreadPoolExecutor) d.executorService();
            assertThat(d.getMaxRequests()).isEqualTo(ClientPool.DEFAULT_CAPACITY);
            assertThat(d.getMaxRequestsPerHost()).isEqualTo(ClientPool.DEFAULT_CAPACITY);
            assertThat(threads.getMaximumPoolSize()).isEqualTo(ClientPool.DEFAULT_CAPACITY);

            pool.ensureCapacity(200);
            assertThat(d.getMaxRequests()).isEqualTo(200);
            assertThat(d.getMaxRequestsPerHost()).isEqualTo(200);
            assertThat(threads.getMaximumPoolSize()).isEqualTo(200);
            assertThat(threads.getCorePoolSize()).isEqualTo(200);
            assertThat(threads.allowsCoreThreadTimeOut()).isTrue(); // idle threads end

            pool.ensureCapacity(8); // another run at once: the larger size stays
            assertThat(d.getMaxRequests()).isEqualTo(200);
            assertThat(threads.getMaximumPoolSize()).isEqualTo(200);
        }
    }

    @Test
    void oneClientPerProfileKeyAndTimeoutsAndTheOldestDroppedPastTheLimit() {
        try (ClientPool pool = ClientPool.create()) {
            ProviderProfile p = ProviderProfile.of("a", "http://127.0.0.1:1");
            var first = pool.client(p, ApiKey.ofNullable("k1"), Timeouts.defaults());
            assertThat(pool.client(p, ApiKey.ofNullable("k1"), Timeouts.defaults())).isSameAs(first);
            assertThat(pool.client(p, ApiKey.ofNullable("k2"), Timeouts.defaults())).isNotSameAs(first);
            for (int i = 0; i < 70; i++) {
                pool.client(ProviderProfile.of("p" + i, "http://127.0.0.1:1"), null, Timeouts.defaults());
            }
            assertThat(pool.client(p, ApiKey.ofNullable("k1"), Timeouts.defaults())).isNotSameAs(first);
        }
    }
}
