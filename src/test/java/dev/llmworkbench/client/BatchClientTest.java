package dev.llmworkbench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiError.Kind;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.RemoteBatch;
import dev.llmworkbench.domain.Timeouts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files and batches calls over real HTTP against a mock server: what is sent, what is read, typed errors. */
class BatchClientTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    @TempDir
    Path dir;

    private static final String BATCH = """
            {"id":"batch_1","object":"batch","endpoint":"/v1/chat/completions","status":"in_progress",
             "input_file_id":"file-in","output_file_id":null,"error_file_id":null,"completion_window":"24h",
             "request_counts":{"total":3,"completed":1,"failed":0},
             "metadata":{"workbench_job":"b-1","workbench_shard":"2"}}""";

    private BatchClient client() {
        Timeouts t = new Timeouts(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(10));
        return new BatchClient(ProviderProfile.of("mock", server.url("/v1").toString()), ApiKey.of(Sse.KEY), t, null);
    }

    private void reply(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .body(body).build());
    }

    @Test
    void uploadsAMultipartFileWithPurposeBatch() throws Exception {
        Path f = dir.resolve("shard-1.jsonl");
        Files.writeString(f, "{\"custom_id\":\"r1\"}\n");
        reply(200, "{\"id\":\"file-abc\",\"object\":\"file\",\"bytes\":19,\"filename\":\"shard-1.jsonl\","
                + "\"purpose\":\"batch\"}");
        RemoteBatch.File file = client().uploadFile(f, "shard-1.jsonl");
        assertThat(file.id()).isEqualTo("file-abc");
        assertThat(file.bytes()).isEqualTo(19);
        RecordedRequest rr = server.takeRequest();
        assertThat(rr.getMethod()).isEqualTo("POST");
        assertThat(rr.getUrl().encodedPath()).isEqualTo("/v1/files");
        assertThat(rr.getHeaders().get("Authorization")).isEqualTo("Bearer " + Sse.KEY);
        assertThat(rr.getHeaders().get("Content-Type")).startsWith("multipart/form-data; boundary=");
        String body = rr.getBody().utf8();
        assertThat(body).contains("name=\"purpose\"").contains("batch")
                .contains("name=\"file\"; filename=\"shard-1.jsonl\"").contains("{\"custom_id\":\"r1\"}");
    }

    @Test
    void createsABatchWithItsMetadataAndReadsItBack() throws Exception {
        reply(200, BATCH);
        RemoteBatch b = client().createBatch("file-in", "/v1/chat/completions", "24h",
                Map.of("workbench_job", "b-1", "workbench_shard", "2"));
        assertThat(b.id()).isEqualTo("batch_1");
        assertThat(b.status()).isEqualTo("in_progress");
        assertThat(b.total()).isEqualTo(3);
        assertThat(b.completed()).isEqualTo(1);
        assertThat(b.outputFileId()).isNull();
        assertThat(b.metadata()).containsEntry("workbench_shard", "2");
        assertThat(b.terminal()).isFalse();
        String sent = server.takeRequest().getBody().utf8();
        assertThat(sent).contains("\"input_file_id\":\"file-in\"").contains("\"completion_window\":\"24h\"")
                .contains("\"endpoint\":\"/v1/chat/completions\"").contains("\"workbench_job\":\"b-1\"");
    }

    @Test
    void getsCancelsAndListsWithLimitAndAfter() throws Exception {
        reply(200, BATCH);
        reply(200, BATCH.replace("in_progress", "cancelling"));
        reply(200, "{\"object\":\"list\",\"data\":[" + BATCH + "],\"has_more\":true,\"last_id\":\"batch_1\"}");
        BatchClient c = client();
        assertThat(c.getBatch("batch_1").id()).isEqualTo("batch_1");
        assertThat(c.cancelBatch("batch_1").status()).isEqualTo("cancelling");
        RemoteBatch.Page page = c.listBatches(100, "batch_0");
        assertThat(page.data()).hasSize(1);
        assertThat(page.hasMore()).isTrue();
        assertThat(page.lastId()).isEqualTo("batch_1");
        assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/v1/batches/batch_1");
        RecordedRequest cancel = server.takeRequest();
        assertThat(cancel.getMethod()).isEqualTo("POST");
        assertThat(cancel.getUrl().encodedPath()).isEqualTo("/v1/batches/batch_1/cancel");
        RecordedRequest list = server.takeRequest();
        assertThat(list.getUrl().queryParameter("limit")).isEqualTo("100");
        assertThat(list.getUrl().queryParameter("after")).isEqualTo("batch_0");
    }

    @Test
    void listsTheBatchFiles() throws Exception {
        reply(200, "{\"object\":\"list\",\"data\":[{\"id\":\"file-1\",\"bytes\":42,\"filename\":\"b-1-shard-1.jsonl\","
                + "\"purpose\":\"batch\"}]}");
        assertThat(client().listFiles()).containsExactly(new RemoteBatch.File("file-1", 42, "b-1-shard-1.jsonl", "batch"));
        RecordedRequest rr = server.takeRequest();
        assertThat(rr.getUrl().encodedPath()).isEqualTo("/v1/files");
        assertThat(rr.getUrl().queryParameter("purpose")).isEqualTo("batch");
    }

    @Test
    void readsTheValidationErrorsOfAFailedBatch() throws Exception {
        reply(200, BATCH.replace("in_progress", "failed").replace("\"metadata\"",
                "\"errors\":{\"object\":\"list\",\"data\":[{\"code\":\"duplicate_custom_id\",\"message\":"
                        + "\"The custom_id r1 is used twice.\",\"param\":\"custom_id\",\"line\":4}]},\"metadata\""));
        RemoteBatch b = client().getBatch("batch_1");
        assertThat(b.terminal()).isTrue();
        assertThat(b.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.code()).isEqualTo("duplicate_custom_id");
        });
        assertThat(b.errorSummary()).isEqualTo("line 4: The custom_id r1 is used twice. (duplicate_custom_id)");
    }

    @Test
    void downloadsAFileToDisk() throws Exception {
        server.enqueue(new MockResponse.Builder().body("{\"custom_id\":\"a\"}\n{\"custom_id\":\"b\"}\n").build());
        Path out = dir.resolve("out.jsonl");
        client().downloadFile("file-out", out);
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("{\"custom_id\":\"a\"}\n{\"custom_id\":\"b\"}\n");
        assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/v1/files/file-out/content");
        assertThat(dir.resolve("out.jsonl.part")).doesNotExist();
    }

    private ApiError errorOf(ThrowingCall call) {
        try {
            call.run();
        } catch (ApiException e) {
            assertThat(e.getMessage()).doesNotContain(Sse.KEY);
            return e.error();
        }
        throw new AssertionError("expected an ApiException");
    }

    interface ThrowingCall {
        void run() throws ApiException;
    }

    @Test
    void errorsAreTypedAsForChat() {
        BatchClient c = client();
        reply(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + Sse.KEY + "\",\"code\":\"invalid_api_key\"}}");
        ApiError auth = errorOf(() -> c.getBatch("b"));
        assertThat(auth.kind()).isEqualTo(Kind.AUTH);
        assertThat(auth.message()).doesNotContain(Sse.KEY);

        reply(404, "{\"error\":{\"message\":\"No batch found with id 'nope'.\",\"code\":\"not_found\"}}");
        ApiError missing = errorOf(() -> c.getBatch("nope"));
        assertThat(missing.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(missing.message()).isEqualTo("No batch found with id 'nope'.");

        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7")
                .body("{\"error\":{\"message\":\"slow down\"}}").build());
        ApiError limited = errorOf(() -> c.listBatches(10, null));
        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));

        reply(503, "{\"error\":{\"message\":\"overloaded\"}}");
        ApiError server5xx = errorOf(() -> c.cancelBatch("b"));
        assertThat(server5xx.kind()).isEqualTo(Kind.SERVER);
        assertThat(server5xx.retryable()).isTrue();

        reply(400, "{\"error\":{\"message\":\"completion_window must be 24h\",\"type\":\"invalid_request_error\"}}");
        ApiError bad = errorOf(() -> c.createBatch("f", "/v1/chat/completions", "48h", Map.of()));
        assertThat(bad.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(bad.message()).isEqualTo("completion_window must be 24h");

        server.enqueue(new MockResponse.Builder().code(404).body("{\"error\":{\"message\":\"no such file\"}}").build());
        Path out = dir.resolve("never.jsonl");
        assertThat(errorOf(() -> c.downloadFile("file-x", out)).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(out).doesNotExist();
    }

    @Test
    void aReplyThatIsNotJsonIsMalformed() {
        reply(200, "<html>gateway</html>");
        assertThatThrownBy(() -> client().getBatch("b")).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).error().kind()).isEqualTo(Kind.MALFORMED));
    }
}
