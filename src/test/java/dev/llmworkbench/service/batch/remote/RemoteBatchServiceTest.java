package dev.llmworkbench.service.batch.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.client.BatchClient;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.RemoteBatch;
import dev.llmworkbench.domain.RemoteShardRecord;
import dev.llmworkbench.domain.ShardState;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.BatchStore;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provider batch jobs end to end over real HTTP against the simulator (and a mock server for polling). */
class RemoteBatchServiceTest {
    static final long MAX_LINE = dev.llmworkbench.service.batch.BatchInput.DEFAULT_MAX_LINE_BYTES;
    static final Timeouts T = new Timeouts(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(30));

    @TempDir
    Path dir;
    RemoteRig rig;
    Simulator sim;

    @BeforeEach
    void setUp() throws Exception {
        rig = new RemoteRig(dir);
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("batch-ms=0")));
    }

    @AfterEach
    void tearDown() {
        sim.close();
        rig.close();
    }

    static BatchSettings settings(String model) {
        return new BatchSettings(model, false, 64, 1, null, null, null, null, null, null, null, null);
    }

    Path input(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"request_id\":\"r").append(i).append("\",\"prompt\":\"question number ").append(i)
                    .append("\"}\n");
        }
        Path f = dir.resolve("in.jsonl");
        Files.writeString(f, sb.toString());
        return f;
    }

    ProviderProfile profile(String faults) {
        ProviderProfile p = ProviderProfile.of("sim", sim.baseUrl()).withDialect(Dialect.GENERIC);
        return faults == null ? p : p.withHeaders(Map.of("X-Sim-Faults", faults));
    }

    String create(int rows, int linesPerFile, ProviderProfile p) throws Exception {
        RemoteSettings rs = RemoteSettings.defaults(p.dialect()).with(linesPerFile, null, null, null);
        return rig.service.create(input(rows), dir.resolve("out.jsonl"), "jsonl", settings("qwen-plus"), rs,
                p.name(), MAX_LINE).job().id();
    }

    void runAll(String job, ProviderProfile p) throws Exception {
        BatchClient client = new BatchClient(p, null, T, null);
        rig.service.submit(job, p, settings("qwen-plus"), client, RemoteListener.NONE);
        rig.service.await(job, p, client, RemoteListener.NONE);
    }

    List<BatchStore.ItemResult> results(String job) {
        return rig.batches.store().itemsWithResults(job);
    }

    JsonObject getJson(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    long uploads() throws Exception {
        return getJson("/files").getAsJsonArray("data").asList().stream()
                .filter(f -> f.getAsJsonObject().get("purpose").getAsString().equals("batch")).count();
    }

    @Test
    void shardsByTheLineLimitAndStoresEveryRowOnceAtTheBatchPrice() throws Exception {
        ProviderProfile p = profile("batch-ms=0,batch-line-fail=0.1");
        String job = create(25, 10, p);
        runAll(job, p);
        List<RemoteShardRecord> shards = rig.service.shards(job);
        assertThat(shards).extracting(RemoteShardRecord::lines).containsExactly(10, 10, 5);
        assertThat(shards).extracting(RemoteShardRecord::state).containsOnly(ShardState.RECONCILED);
        assertThat(uploads()).isEqualTo(3);
        assertThat(getJson("/batches?limit=100").getAsJsonArray("data")).hasSize(3);
        List<BatchStore.ItemResult> rs = results(job);
        assertThat(rs).hasSize(25).allSatisfy(ir -> assertThat(ir.item().status()).isIn(ItemStatus.DONE,
                ItemStatus.FAILED));
        assertThat(rs).filteredOn(ir -> ir.item().status() == ItemStatus.FAILED).isNotEmpty()
                .allSatisfy(ir -> assertThat(ir.result().error().message()).contains("simulated"));
        for (BatchStore.ItemResult ir : rs) {
            if (ir.item().status() == ItemStatus.DONE) {
                Usage u = ir.result().usage();
                BigDecimal live = rig.chat.costs().cost(null, "qwen-plus", u, false).totalUsd().amount();
                assertThat(ir.result().costUsd()).isEqualByComparingTo(live.multiply(new BigDecimal("0.5")));
                assertThat(ir.result().responseText()).isNotBlank();
            }
        }
        RemoteSummary sum = rig.service.finish(job, settings("qwen-plus"), Instant.now());
        assertThat(sum.shards()).isEqualTo(3);
        assertThat(sum.savingUsd()).isPositive();
        assertThat(sum.liveUsd()).isEqualByComparingTo(sum.summary().costUsdTotal().multiply(new BigDecimal(2)));
        assertThat(sum.toJson().get("engine").getAsString()).isEqualTo("provider-batch");
        List<String> out = Files.readAllLines(dir.resolve("out.jsonl"), StandardCharsets.UTF_8);
        Set<String> ids = new HashSet<>();
        for (String l : out) {
            ids.add(JsonParser.parseString(l).getAsJsonObject().get("request_id").getAsString());
        }
        assertThat(out).hasSize(25);
        assertThat(ids).hasSize(25);
    }

    @Test
    void aCrashBetweenCreatingABatchAndStoringItsIdCreatesNoSecondBatchAndUploadsNothingAgain() throws Exception {
        ProviderProfile p = profile(null);
        String job = create(25, 10, p);
        rig.service.steps((step, n) -> {
            if (step.equals("created") && n == 2) {
                throw new IllegalStateException("killed");
            }
        });
        BatchClient client = new BatchClient(p, null, T, null);
        assertThatThrownBy(() -> rig.service.submit(job, p, settings("qwen-plus"), client, RemoteListener.NONE))
                .hasMessage("killed");
        assertThat(rig.shards.shard(job, 2).orElseThrow().state()).isEqualTo(ShardState.CREATING);
        assertThat(getJson("/batches?limit=100").getAsJsonArray("data")).hasSize(2);

        rig.reopen();
        runAll(job, p);
        assertThat(getJson("/batches?limit=100").getAsJsonArray("data")).hasSize(3);
        assertThat(uploads()).isEqualTo(3);
        assertThat(results(job)).hasSize(25).allSatisfy(ir -> assertThat(ir.item().status()).isEqualTo(ItemStatus.DONE));

        // and once more: nothing is sent again, nothing is stored twice
        rig.reopen();
        runAll(job, p);
        assertThat(getJson("/batches?limit=100").getAsJsonArray("data")).hasSize(3);
        assertThat(uploads()).isEqualTo(3);
        assertThat(results(job)).hasSize(25);
    }

    @Test
    void aCrashBetweenAnUploadAndStoringItsFileIdUploadsNothingAgain() throws Exception {
        ProviderProfile p = profile(null);
        String job = create(25, 10, p);
        rig.service.steps((step, n) -> {
            if (step.equals("uploaded") && n == 2) {
                throw new IllegalStateException("killed");
            }
        });
        BatchClient client = new BatchClient(p, null, T, null);
        assertThatThrownBy(() -> rig.service.submit(job, p, settings("qwen-plus"), client, RemoteListener.NONE))
                .hasMessage("killed");
        assertThat(rig.shards.shard(job, 2).orElseThrow().state()).isEqualTo(ShardState.UPLOADING);
        assertThat(uploads()).isEqualTo(2);

        rig.reopen();
        runAll(job, p);
        assertThat(uploads()).isEqualTo(3);
        assertThat(getJson("/batches?limit=100").getAsJsonArray("data")).hasSize(3);
        assertThat(results(job)).hasSize(25).allSatisfy(ir -> assertThat(ir.item().status()).isEqualTo(ItemStatus.DONE));
    }

    @Test
    void anExpiredBatchLeavesItsRestNotRunWithTheReasonAndARetrySendsOnlyThose() throws Exception {
        ProviderProfile expiring = profile("batch-ms=0,batch-expire=1");
        String job = create(10, 50, expiring);
        runAll(job, expiring);
        Map<Long, String> reasons = rig.shards.notRunReasons(job);
        assertThat(reasons).hasSize(5).allSatisfy((id, why) -> assertThat(why).contains("batch_expired"));
        assertThat(rig.service.retryFailedAndNotRun(job)).isEqualTo(5);

        ProviderProfile fine = profile(null);
        runAll(job, fine);
        List<RemoteShardRecord> shards = rig.service.shards(job);
        assertThat(shards).hasSize(2);
        assertThat(shards.get(1).lines()).isEqualTo(5);
        assertThat(results(job)).hasSize(10).allSatisfy(ir -> assertThat(ir.item().status()).isEqualTo(ItemStatus.DONE));
    }

    @Test
    void aValidationFailureLeavesTheShardsRowsNotRunWithTheProvidersLine() throws Exception {
        ProviderProfile p = profile("batch-ms=0,batch-max-lines=3");
        String job = create(5, 10, p);
        runAll(job, p);
        assertThat(rig.shards.notRunReasons(job)).hasSize(5)
                .allSatisfy((id, why) -> assertThat(why).contains("line 4").contains("too_many_lines"));
    }

    @Test
    void aShardWhoseWorstCaseDoesNotFitTheBudgetIsNotSubmittedAndTheSpendCountsInTheDay() throws Exception {
        ProviderProfile p = profile(null);
        Path in = input(6);
        BatchSettings free = settings("qwen-plus");
        List<dev.llmworkbench.service.batch.BatchRow> rows = dev.llmworkbench.service.batch.BatchInput.read(in)
                .validRows().stream().map(dev.llmworkbench.service.batch.BatchInput.Row::row).toList();
        RemoteSettings rs = RemoteSettings.defaults(Dialect.GENERIC).with(3, null, null, null);
        RemoteDryRun dry = rig.service.dryRun(rows, p, free, rs);
        assertThat(dry.files()).isEqualTo(2);
        assertThat(dry.unpriced()).isZero();
        assertThat(dry.liveUsd()).as("live worst case").isPositive();
        assertThat(dry.batchUsd()).isEqualByComparingTo(dry.liveUsd().divide(new BigDecimal(2)));
        BigDecimal cap = dry.batchUsd().multiply(new BigDecimal("0.75"));
        BatchSettings capped = new BatchSettings("qwen-plus", false, 64, 1, null, null, cap, null, null, null, null,
                null);
        String job = rig.service.create(in, dir.resolve("out.jsonl"), "jsonl", capped, rs, "sim", MAX_LINE).job().id();
        BatchClient client = new BatchClient(p, null, T, null);
        rig.service.submit(job, p, capped, client, RemoteListener.NONE);
        rig.service.await(job, p, client, RemoteListener.NONE);
        List<RemoteShardRecord> shards = rig.service.shards(job);
        assertThat(shards).extracting(RemoteShardRecord::state).containsExactly(ShardState.RECONCILED,
                ShardState.NOT_SUBMITTED);
        assertThat(shards.get(0).reservedUsd()).isPositive();
        assertThat(rig.shards.notRunReasons(job)).hasSize(3).allSatisfy((id, why) -> assertThat(why)
                .startsWith("over the budget: shard 2's worst case at the batch price is $"));
        BigDecimal spent = results(job).stream().filter(ir -> ir.result() != null)
                .map(ir -> ir.result().costUsd()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(spent).isPositive().isLessThanOrEqualTo(cap);
        assertThat(rig.chat.ledger().spentToday(dev.llmworkbench.domain.Priority.BATCH)).isEqualByComparingTo(spent);
        assertThat(getJson("/batches?limit=100").getAsJsonArray("data")).hasSize(1);
    }

    @Test
    void aRowTooLargeForAnyFileIsInvalidNotSent() throws Exception {
        ProviderProfile p = profile(null);
        Path in = dir.resolve("big.jsonl");
        Files.writeString(in, "{\"request_id\":\"small\",\"prompt\":\"hi\"}\n{\"request_id\":\"big\",\"prompt\":\""
                + "x".repeat(5000) + "\"}\n");
        RemoteSettings rs = RemoteSettings.defaults(Dialect.GENERIC).with(null, 2000L, null, null);
        String job = rig.service.create(in, dir.resolve("out.jsonl"), "jsonl", settings("qwen-plus"), rs, "sim", MAX_LINE).job().id();
        runAll(job, p);
        List<BatchItemRecord> items = rig.batches.store().items(job);
        assertThat(items.get(0).status()).isEqualTo(ItemStatus.DONE);
        assertThat(items.get(1).status()).isEqualTo(ItemStatus.INVALID);
        assertThat(items.get(1).invalidReason()).contains("too large");
    }

    @Test
    void cancelStopsEveryUnfinishedShard() throws Exception {
        sim.close();
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("batch-ms=600000")));
        ProviderProfile p = profile(null);
        String job = create(6, 3, p);
        BatchClient client = new BatchClient(p, null, T, null);
        rig.service.submit(job, p, settings("qwen-plus"), client, RemoteListener.NONE);
        assertThat(rig.service.cancel(job, client)).isEqualTo(2);
        for (RemoteShardRecord s : rig.service.shards(job)) {
            RemoteBatch b = client.getBatch(s.batchId());
            assertThat(b.status()).isIn("cancelling", "cancelled");
        }
    }

    @Test
    void pollingWaitsThePollIntervalAndHonoursRetryAfter() throws Exception {
        try (MockWebServer mock = new MockWebServer()) {
            mock.start();
            String batch = "{\"id\":\"batch_1\",\"status\":\"%s\",\"input_file_id\":\"file-1\",\"output_file_id\":%s,"
                    + "\"request_counts\":{\"total\":1,\"completed\":%d,\"failed\":0}}";
            mock.enqueue(new MockResponse.Builder().body("{\"id\":\"file-1\",\"bytes\":10}").build());
            mock.enqueue(new MockResponse.Builder().body(batch.formatted("validating", "null", 0)).build());
            mock.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120")
                    .body("{\"error\":{\"message\":\"slow down\"}}").build());
            mock.enqueue(new MockResponse.Builder().body(batch.formatted("in_progress", "null", 0)).build());
            mock.enqueue(new MockResponse.Builder().body(batch.formatted("completed", "\"file-out\"", 1)).build());
            mock.enqueue(new MockResponse.Builder().body("{\"id\":\"x\",\"custom_id\":\"r0\",\"response\":"
                    + "{\"status_code\":200,\"request_id\":\"req_9\",\"body\":{\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"Paris\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12}}},\"error\":null}\n")
                    .build());
            ProviderProfile p = ProviderProfile.of("mock", mock.url("/v1").toString()).withDialect(Dialect.GENERIC);
            String job = create(2, 10, p);
            runAll(job, p);
            assertThat(rig.waits).containsExactly(Duration.ofSeconds(120), Duration.ofSeconds(30));
            List<BatchStore.ItemResult> rs = results(job);
            assertThat(rs.get(0).result().responseText()).isEqualTo("Paris");
            assertThat(rs.get(1).item().status()).isEqualTo(ItemStatus.NOT_RUN);
            assertThat(rig.shards.notRunReasons(job).values()).containsExactly(
                    "the provider batch batch_1 returned no result for this row");
        }
    }

    @Test
    void aNotFoundBatchStopsWithOneLineAndKeepsWhatWasStored() throws Exception {
        ProviderProfile p = profile(null);
        String job = create(3, 10, p);
        BatchClient client = new BatchClient(p, null, T, null);
        rig.service.submit(job, p, settings("qwen-plus"), client, RemoteListener.NONE);
        // the provider forgot the batch (another account, deleted): the shard's id is no longer known
        sim.close();
        sim = Simulator.start(SimConfig.defaults().withPort(sim.port()).withFaults(FaultSpec.parse("batch-ms=0")));
        assertThatThrownBy(() -> rig.service.await(job, p, client, RemoteListener.NONE))
                .isInstanceOf(RemoteBatchException.class)
                .satisfies(e -> assertThat(((RemoteBatchException) e).error().kind()).isEqualTo(ApiError.Kind.NOT_FOUND))
                .hasMessageContaining("not_found").hasMessageNotContaining("\n");
        assertThat(rig.service.shards(job).get(0).state()).isEqualTo(ShardState.SUBMITTED);
    }
}
