package dev.llmworkbench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.junit.jupiter.api.Test;

class HttpClientsTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private static final Timeouts T = new Timeouts(Duration.ofMillis(1234), Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofSeconds(9));

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(HttpClientsTest.class.getResource(name).toURI());
    }

    private static ProviderProfile profile(String url, String proxy, String ca) {
        return new ProviderProfile("p", url, null, null, Map.of(), Map.of(), proxy, ca);
    }

    @Test
    void http11OnlyWithTheConnectTimeout() {
        OkHttpClient c = HttpClients.create(ProviderProfile.of("p", "http://localhost:1/v1"), T);
        assertThat(c.protocols()).containsExactly(Protocol.HTTP_1_1);
        assertThat(c.connectTimeoutMillis()).isEqualTo(1234);
        assertThat(c.readTimeoutMillis()).isEqualTo(3000);
        assertThat(c.callTimeoutMillis()).isZero();
    }

    @Test
    void derivedFromABaseClientSharesItsPoolAndDispatcher() {
        OkHttpClient base = new OkHttpClient();
        OkHttpClient c = HttpClients.create(ProviderProfile.of("p", "http://localhost:1/v1"), T, base);
        assertThat(c.connectionPool()).isSameAs(base.connectionPool());
        assertThat(c.dispatcher()).isSameAs(base.dispatcher());
        assertThat(c.protocols()).containsExactly(Protocol.HTTP_1_1);
    }

    @Test
    void requestsGoThroughTheProfilesProxy() throws Exception {
        server.enqueue(new MockResponse.Builder().body("{\"data\":[{\"id\":\"via-proxy\"}]}").build());
        ProviderProfile p = profile("http://api.example.invalid/v1", "127.0.0.1:" + server.getPort(), null);
        OkHttpClient http = HttpClients.create(p, T);
        assertThat(http.proxy()).isEqualTo(new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved("127.0.0.1", server.getPort())));
        List<String> models = new OpenAiClient(p, null, T, http, null).listModels();
        assertThat(models).containsExactly("via-proxy");
        RecordedRequest rr = server.takeRequest();
        assertThat(rr.getTarget()).isEqualTo("http://api.example.invalid/v1/models");
    }

    @Test
    void aBadProxyIsRejected() {
        assertThatThrownBy(() -> HttpClients.create(profile("http://x/v1", "nohostport", null), T))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theExtraCaIsAddedToTheDefaultOnes() throws Exception {
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = HttpClientsTest.class.getResourceAsStream("test-server.p12")) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverCtx.init(kmf.getKeyManagers(), null, null);
        server.useHttps(serverCtx.getSocketFactory());
        server.enqueue(new MockResponse.Builder().body("{\"data\":[{\"id\":\"tls-ok\"}]}").build());
        server.enqueue(new MockResponse.Builder().body("{\"data\":[]}").build());
        String url = "https://localhost:" + server.getPort() + "/v1";

        ProviderProfile withCa = profile(url, null, resource("test-ca.pem").toString());
        OkHttpClient http = HttpClients.create(withCa, T);
        assertThat(http.x509TrustManager().getAcceptedIssuers().length).isGreaterThan(1); // defaults kept
        assertThat(new OpenAiClient(withCa, null, T, http, null).listModels()).containsExactly("tls-ok");

        ProviderProfile without = profile(url, null, null);
        assertThatThrownBy(() -> new OpenAiClient(without, null, T, null, null).listModels())
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.error().kind()).isEqualTo(ApiError.Kind.NETWORK));
    }

    @Test
    void aMissingCaFileIsRejected() {
        assertThatThrownBy(() -> HttpClients.create(profile("https://x/v1", null, "/no/such/ca.pem"), T))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/ca.pem");
    }
}
