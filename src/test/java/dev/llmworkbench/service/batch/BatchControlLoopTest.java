package dev.llmworkbench.service.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.domain.ItemStatus;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch engine's control loop against servers that misbehave, over real HTTP on loopback: cut and
 * stalled streams are retried with their partial text kept apart, the budget is a hard cap that is used
 * to the end, every row's cost is what was spent on it.
 */
class BatchControlLoopTest {
    private static final String MODEL = "qwen3-235b-a22b";

    @TempDir
    Path dir;
    private BatchRig rig;
    private Database db;
    private BatchService service;

    @BeforeEach
    void setUp() {
        RetryPolicy fast = new RetryPolicy(8, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(60),
                false, () -> 0.5);
        rig = new BatchRig(dir, fast);
        db = rig.db();
        service = rig.service();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private BatchOutcome run(Simulator sim, int rows, int concurrency, Integer maxTokens, BigDecimal budget,
                                    Timeouts timeouts) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append("{\"prompt\":\"question number ").append(i).append(" of the control loop\"}\n");
        }
        Path input = Files.writeString(dir.resolve("in.jsonl"), sb.toString());
        ProviderProfile profile = ProviderProfile.of("sim", sim.baseUrl());
        BatchSettings settings = new BatchSettings(MODEL, false, maxTokens, concurrency, null, null, budget, null,
                profile.baseUrl(), null, null, null);
        BatchService.Prepared p = service.create(input, dir.resolve("out.jsonl"), "jsonl", settings, profile.name());
        return service.start(p.job().id(), new BatchTarget(profile, null, timeouts), settings, null)
                .result().get(90, TimeUnit.SECONDS);
    }

    private List<BatchStore.ItemResult> items(String job) {
        List<BatchStore.ItemResult> out = new ArrayList<>();
        service.store().forEachItemWithResult(job, out::add);
        return out;
    }

    private static BigDecimal spent(List<BatchStore.ItemResult> items) {
        BigDecimal s = BigDecimal.ZERO;
        for (BatchStore.ItemResult ir : items) {
            if (ir.result() != null && ir.result().costUsd() != null) {
                s = s.add(ir.result().costUsd());
            }
        }
        return s;
    }

    @Test
    void droppedStreamsAreRetriedWithThePartialTextKeptApartAndBilled() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(
                FaultSpec.parse("drop=0.4,ttft-ms=0,tps=4000")))) {
            BatchOutcome o = run(sim, 30, 4, 60, null, Timeouts.defaults());
            assertThat(o.progress().done()).isEqualTo(30);
            List<BatchStore.ItemResult> items = items(o.jobId());
            int cut = 0;
            for (BatchStore.ItemResult ir : items) {
                assertThat(ir.item().status()).isEqualTo(ItemStatus.DONE);
                List<Attempt> as = ir.result().attempts();
                BigDecimal attemptsCost = BigDecimal.ZERO;
                for (Attempt a : as.subList(0, as.size() - 1)) {
                    if (a.partialText() != null) {
                        cut++;
                        assertThat(a.errorKind()).isEqualTo("network");
                        assertThat(a.costUsd()).isPositive();
                        attemptsCost = attemptsCost.add(a.costUsd());
                    }
                }
                // the row's cost is what was spent on it: its answer plus every cut attempt
                assertThat(ir.result().costUsd()).isGreaterThan(attemptsCost);
                assertThat(ir.result().finishReason()).isNotNull();
            }
            assertThat(cut).as("a 40%% drop rate cuts some streams").isPositive();
            assertThat(o.progress().retries()).isGreaterThanOrEqualTo(cut);
        }
    }

    @Test
    void stalledStreamsAreRetriedAfterTheIdleTimeout() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(
                FaultSpec.parse("stall=0.3,ttft-ms=0,tps=4000")))) {
            BatchOutcome o = run(sim, 12, 4, 40, null, Timeouts.defaults().withIdle(Duration.ofMillis(300)));
            assertThat(o.progress().done()).isEqualTo(12);
            assertThat(o.progress().failed()).isZero();
            boolean sawStall = items(o.jobId()).stream().flatMap(ir -> ir.result().attempts().stream())
                    .anyMatch(a -> "timeout".equals(a.errorKind()));
            assertThat(sawStall).isTrue();
        }
    }

    @Test
    void aBudgetStopAtConcurrency32HasSpentAtLeastNinetyPercentAndNeverMore() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0")))) {
            BigDecimal budget = new BigDecimal("0.005");
            BatchOutcome o = run(sim, 200, 32, null, budget, Timeouts.defaults());
            assertThat(o.stopReason()).isEqualTo("budget");
            assertThat(o.stopDetail()).contains("cannot be covered");
            List<BatchStore.ItemResult> items = items(o.jobId());
            BigDecimal spent = spent(items);
            assertThat(spent).isLessThanOrEqualTo(budget);
            assertThat(spent).isGreaterThanOrEqualTo(new BigDecimal("0.0045"));
            // the spend shown is the sum of what is recorded
            assertThat(o.progress().spentUsd()).isEqualByComparingTo(spent);
            assertThat(sim.requestCount()).isEqualTo(o.progress().done());
            assertThat(o.progress().notRun()).isEqualTo(200 - o.progress().done());
        }
    }

    @Test
    void aStreamCutOncePerPromptEndsDoneOnTheSecondAttemptWithThePartialTextApart() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(
                FaultSpec.parse("cut-once=1,ttft-ms=0,tps=4000")))) {
            BatchOutcome o = run(sim, 16, 4, 80, null, Timeouts.defaults());
            assertThat(o.progress().done()).isEqualTo(16);
            for (BatchStore.ItemResult ir : items(o.jobId())) {
                List<Attempt> as = ir.result().attempts();
                assertThat(as).hasSize(2);
                Attempt cut = as.get(0);
                assertThat(cut.partialText()).isNotEmpty();
                assertThat(cut.errorMessage()).startsWith("the stream was cut after ");
                // the answer is the second attempt's alone: the cut text is not glued in front of it
                String answer = ir.result().responseText();
                assertThat(answer).doesNotStartWith(cut.partialText() + cut.partialText());
                assertThat(answer.length()).isLessThan(cut.partialText().length() * 3 + 200);
                assertThat(ir.result().finishReason()).isIn("stop", "length");
                assertThat(ir.result().costUsd()).isGreaterThan(cut.costUsd());
            }
        }
    }

    @Test
    void aServerThatIgnoresMaxTokensIsStoppedAtTheReservationAndTheBudgetHolds() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(
                FaultSpec.parse("ignore-max-tokens=1,ttft-ms=0,tps=2000")))) {
            BigDecimal budget = new BigDecimal("0.0002");
            BatchOutcome o = run(sim, 200, 32, 1, budget, Timeouts.defaults());
            List<BatchStore.ItemResult> items = items(o.jobId());
            BigDecimal spent = spent(items);
            // at most one chunk (a token or two here) past the reservation per request in flight
            assertThat(spent).isLessThanOrEqualTo(budget.add(new BigDecimal("0.00002")));
            assertThat(spent).isGreaterThanOrEqualTo(budget.divide(BigDecimal.valueOf(2)));
            assertThat(o.stopReason()).isEqualTo("budget");
            for (BatchStore.ItemResult ir : items) {
                if (ir.item().status() == ItemStatus.DONE) {
                    assertThat(ir.result().finishReason()).isEqualTo("length");
                    assertThat(ir.result().usage().completionTokens()).isLessThanOrEqualTo(2);
                }
            }
        }
    }

    @Test
    void aQuotaWithRateLimitHeadersIsFollowedWithFew429s() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(
                FaultSpec.parse("rpm=1200,burst=4,ttft-ms=0,tps=4000")))) {
            BatchOutcome o = run(sim, 60, 8, 20, null, Timeouts.defaults());
            assertThat(o.progress().done()).isEqualTo(60);
            long count429 = items(o.jobId()).stream().flatMap(ir -> ir.result().attempts().stream())
                    .filter(a -> a.httpStatus() != null && a.httpStatus() == 429).count();
            assertThat(count429).as("429s of %d requests", sim.requestCount())
                    .isLessThan((long) (0.15 * sim.requestCount()));
            assertThat(o.limiter()).isNotNull();
            assertThat(o.limiter().providerRpm()).isEqualTo(1200L);
            assertThat(o.limiter().describe()).startsWith("limited by provider: 1200/min");
        }
    }
}
