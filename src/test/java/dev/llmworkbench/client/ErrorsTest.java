package dev.llmworkbench.client;

import static dev.llmworkbench.client.Sse.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiError.Kind;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** HTTP statuses and bodies become typed errors; the key never shows. */
class ErrorsTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private Completion reply(int code, String contentType, String body) {
        MockResponse.Builder b = new MockResponse.Builder().code(code).body(body);
        if (contentType != null) {
            b.setHeader("Content-Type", contentType);
        }
        server.enqueue(b.build());
        return Sse.client(server).complete(request());
    }

    @Test
    void unauthorizedAndForbiddenAreAuth() {
        Completion c = reply(401, "application/json",
                "{\"error\":{\"message\":\"Incorrect API key provided: " + Sse.KEY + "\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"invalid_api_key\"}}");
        assertThat(c.error().kind()).isEqualTo(Kind.AUTH);
        assertThat(c.error().status()).isEqualTo(401);
        assertThat(c.error().code()).isEqualTo("invalid_api_key");
        assertThat(c.error().retryable()).isFalse();
        assertThat(c.error().message()).startsWith("Incorrect API key provided").doesNotContain(Sse.KEY);
        assertThat(reply(403, null, "forbidden").error().kind()).isEqualTo(Kind.AUTH);
    }

    @Test
    void badRequestCarriesTheProvidersOwnMessage() {
        Completion c = reply(400, "application/json",
                "{\"error\":{\"message\":\"max_tokens is too large\",\"type\":\"invalid_request_error\",\"code\":null}}");
        assertThat(c.error().kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(c.error().message()).isEqualTo("max_tokens is too large");
        assertThat(c.error().code()).isEqualTo("invalid_request_error");
        assertThat(c.error().hint()).isNull();
    }

    @Test
    void dashScopeThinkingRefusalReadsAsSuchWithTheHint() {
        Completion c = reply(400, "application/json", "{\"code\":\"InvalidParameter\",\"message\":"
                + "\"<400> InternalError.Algo.InvalidParameter: parameter.enable_thinking must be set to false for "
                + "non-streaming calls\",\"request_id\":\"abc\"}");
        assertThat(c.error().kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(c.error().code()).isEqualTo("InvalidParameter");
        assertThat(c.error().message()).contains("parameter.enable_thinking must be set to false for non-streaming calls");
        assertThat(c.error().hint()).isEqualTo("stream the request or turn thinking off");
        assertThat(c.error().describe()).contains("stream the request or turn thinking off");
    }

    @Test
    void dashScopeOpenAiCompatibleShapeAlsoGetsTheHint() {
        Completion c = reply(400, "application/json", "{\"error\":{\"code\":\"invalid_parameter_error\",\"message\":"
                + "\"parameter.enable_thinking must be set to false for non-streaming calls\","
                + "\"type\":\"invalid_request_error\"}}");
        assertThat(c.error().hint()).isEqualTo("stream the request or turn thinking off");
        assertThat(c.error().code()).isEqualTo("invalid_parameter_error");
    }

    @Test
    void notFound() {
        Completion c = reply(404, "application/json", "{\"error\":{\"message\":\"The model `nope` does not exist\"}}");
        assertThat(c.error().kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(c.error().message()).contains("does not exist");
        assertThat(c.error().retryable()).isFalse();
    }

    @Test
    void rateLimitedWithRetryAfterSeconds() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7").body("{}").build());
        ApiError e = Sse.client(server).complete(request()).error();
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void rateLimitedPrefersRetryAfterMs() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "2")
                .setHeader("Retry-After-Ms", "1500").body("{}").build());
        assertThat(Sse.client(server).complete(request()).error().retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void rateLimitedWithRetryAfterAsAnHttpDate() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        DateTimeFormatter f = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Date", f.format(now))
                .setHeader("Retry-After", f.format(now.plusSeconds(30))).body("").build());
        assertThat(Sse.client(server).complete(request()).error().retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void requestTimeoutStatusIsARetryableTimeout() {
        // OkHttp itself retries a 408 once, so the server answers it twice
        server.enqueue(new MockResponse.Builder().code(408).body("").build());
        ApiError e = reply(408, null, "").error();
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isEqualTo(408);
    }

    @Test
    void serverErrors() {
        ApiError e = reply(503, "application/json", "{\"error\":{\"message\":\"overloaded\"}}").error();
        assertThat(e.kind()).isEqualTo(Kind.SERVER);
        assertThat(e.retryable()).isTrue();
        assertThat(e.message()).isEqualTo("overloaded");
        assertThat(reply(500, null, "").error().message()).isEqualTo("HTTP 500");
    }

    @Test
    void unparseableJsonBodyIsMalformed() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json").body("{\"choices\": [")
                .build());
        Completion c = Sse.client(server).complete(request().toBuilder().stream(false).build());
        assertThat(c.error().kind()).isEqualTo(Kind.MALFORMED);
        assertThat(c.error().retryable()).isFalse();
    }

    @Test
    void connectionRefusedIsNetwork() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        OpenAiClient client = new OpenAiClient(ProviderProfile.of("gone", "http://127.0.0.1:" + port + "/v1"),
                ApiKey.of(Sse.KEY), Timeouts.defaults(), null, null);
        Completion c = client.complete(request());
        assertThat(c.error().kind()).isEqualTo(Kind.NETWORK);
        assertThat(c.error().retryable()).isTrue();
        assertThat(c.httpStatus()).isNull();
    }

    @Test
    void connectionResetMidStreamIsNetworkKeepingPartialText() {
        server.enqueue(Sse.sseResponse(Sse.events(Sse.content("cut")))
                .onResponseEnd(new mockwebserver3.SocketEffect.CloseSocket(true, false, false)).build());
        Completion c = Sse.client(server).complete(request());
        assertThat(c.error().kind()).isEqualTo(Kind.NETWORK);
        assertThat(c.text()).isEqualTo("cut");
    }

    @Test
    void listModels() throws Exception {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"object\":\"list\",\"data\":[{\"id\":\"qwen3-235b-a22b\"},{\"id\":\"qwen-plus\"}]}").build());
        assertThat(Sse.client(server).listModels()).containsExactly("qwen3-235b-a22b", "qwen-plus");
        var recorded = server.takeRequest();
        assertThat(recorded.getMethod()).isEqualTo("GET");
        assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/models");
        assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer " + Sse.KEY);
    }

    @Test
    void listModelsFailureIsATypedException() {
        server.enqueue(new MockResponse.Builder().code(401).body("{\"error\":{\"message\":\"bad key " + Sse.KEY
                + "\"}}").build());
        assertThatThrownBy(() -> Sse.client(server).listModels())
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().kind()).isEqualTo(Kind.AUTH);
                    assertThat(e.getMessage()).doesNotContain(Sse.KEY).contains("bad key ***");
                });
    }

    @Test
    void theKeyNeverAppearsInToStringsOrMessages() {
        server.enqueue(new MockResponse.Builder().code(400)
                .body("{\"error\":{\"message\":\"echo " + Sse.KEY + "\",\"code\":\"" + Sse.KEY + "\"}}").build());
        OpenAiClient client = Sse.client(server);
        ChatCall call = client.start(request(), null);
        Completion c = call.await();
        for (String s : List.of(client.toString(), call.toString(), c.toString(), c.error().toString(),
                c.error().describe(), new ApiException(c.error()).toString(), client.requestJson(request()))) {
            assertThat(s).doesNotContain(Sse.KEY);
        }
        assertThat(c.error().message()).isEqualTo("echo ***");
    }
}
