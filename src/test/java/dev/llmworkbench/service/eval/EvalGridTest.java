package dev.llmworkbench.service.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.metrics.Percentiles;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.EvalStore;
import dev.llmworkbench.store.RunStore;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid over real HTTP on loopback: 2 prompt versions × 2 models × 20 cases on the embedded simulator, one check
 * failing on one column (the Chinese prompt on the model cut to 5 tokens), its pass rates, footers, filters, exports
 * and re-runs, all read back from the store.
 */
class EvalGridTest {
    @TempDir
    Path dir;

    private final DaemonThreads threads = new DaemonThreads();
    private final ClientPool clients = ClientPool.create();
    private Simulator sim;
    private Database db;
    private EvalService service;
    private BatchStore batches;
    private RunStore runs;

    @BeforeEach
    void start() throws Exception {
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0")));
        Scheduler scheduler = Scheduler.of(threads.scheduled("test-scheduler", 1));
        Clock clock = Clock.systemUTC();
        RateLimiter limiter = new RateLimiter(Ticker.system(), scheduler, clock,
                RateLimiter.Config.defaults().withDefaultTier(new RateLimitTier("unbound", 1_000_000, 1_000_000_000L)));
        ChatService chat = new ChatService(clients, limiter, RetryPolicy.defaults(() -> 0.5),
                new BudgetLedger(clock, ZoneOffset.UTC),
                new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT), new TokenEstimator(),
                scheduler, Ticker.system(), clock);
        db = Database.open(dir.resolve("wb.db"));
        batches = new BatchStore(db);
        runs = new RunStore(db);
        BatchEngine engine = new BatchEngine(chat, batches, threads.cached("test-dispatch"), Ticker.system(), clock);
        service = new EvalService(new EvalStore(db), batches, runs, engine, chat, threads.cached("test-eval"),
                Map.of("SIM_URL", sim.baseUrl())::get);
    }

    @AfterEach
    void stop() {
        db.close();
        sim.close();
        clients.close();
        threads.close();
    }

    private Path config(String extraDefaultTest) throws Exception {
        StringBuilder csv = new StringBuilder("q,__expected1,__expected2,__expected3\n");
        for (int i = 1; i <= 20; i++) {
            csv.append("case ").append(i).append(",regex: ^\\S,not-icontains: zebra,")
                    .append("\"not-regex: ^[\\p{IsHan}，、。]{1,8}$\"\n");
        }
        Files.writeString(dir.resolve("tests.csv"), csv.toString());
        Path cfg = dir.resolve("promptfooconfig.yaml");
        Files.writeString(cfg, """
                description: grid test
                prompts:
                  - raw: "Answer in one sentence: {{ q }}"
                    label: v1
                  - raw: "请用一句话回答：{{q}}"
                    label: v2-zh
                providers:
                  - id: openai:chat:qwen-turbo
                    config: {apiBaseUrl: "{{ env.SIM_URL }}"}
                  - id: openai:chat:qwen-plus
                    label: plus-short
                    config: {apiBaseUrl: "{{ env.SIM_URL }}", max_tokens: 5}
                tests: file://tests.csv
                """ + extraDefaultTest);
        return cfg;
    }

    private EvalGrid await(EvalService.Handle h) throws Exception {
        return h.result().get(60, TimeUnit.SECONDS);
    }

    @Test
    void twoPromptsTwoModelsTwentyCasesOneCheckFailingOnOneColumn() throws Exception {
        Path cfg = config("");
        EvalGrid created = service.create(service.importConfig(cfg), cfg);
        assertThat(created.columns()).hasSize(4);
        assertThat(created.cells()).hasSize(80).allMatch(c -> c.state() == EvalGrid.CellState.PENDING);
        Map<Long, EvalGrid.Cell> lastEvent = new ConcurrentHashMap<>();
        EvalGrid grid = await(service.run(created.gridId(), EvalService.Options.defaults(),
                new EvalService.EvalListener() {
                    @Override
                    public void onCell(EvalGrid.Cell cell) {
                        lastEvent.put(cell.itemId(), cell);
                    }
                }));

        // the columns: (v1, turbo), (v1, plus-short), (v2-zh, turbo), (v2-zh, plus-short)
        assertThat(grid.columns()).extracting(EvalGrid.Column::heading).containsExactly(
                "v1 | openai:chat:qwen-turbo", "v1 | plus-short (max_tokens=5)", "v2-zh | openai:chat:qwen-turbo",
                "v2-zh | plus-short (max_tokens=5)");
        assertThat(grid.columns()).extracting(c -> c.footer().passRate()).containsExactly(1.0, 1.0, 1.0, 0.0);
        assertThat(grid.totals().passed()).isEqualTo(60);
        assertThat(grid.totals().failed()).isEqualTo(20);
        assertThat(grid.totals().allPassed()).isFalse();
        for (int row = 0; row < 20; row++) {
            EvalGrid.Cell failed = grid.cell(3, row);
            assertThat(failed.checks()).extracting(EvalChecks.Result::pass).containsExactly(true, true, false);
            assertThat(grid.cell(0, row).checks()).extracting(EvalChecks.Result::pass).containsOnly(true);
        }
        // every cell was announced, and its last event is its final state
        assertThat(lastEvent).hasSize(80);
        for (EvalGrid.Cell c : grid.cells()) {
            assertThat(lastEvent.get(c.itemId()).state()).isEqualTo(c.state());
        }

        // the footers are the stored results' figures
        for (EvalGrid.Column col : grid.columns()) {
            List<Double> lat = new ArrayList<>();
            BigDecimal cost = BigDecimal.ZERO;
            for (BatchStore.ItemResult ir : batches.itemsWithResults(col.jobId())) {
                ResultRecord r = ir.result();
                lat.add(r.timing().e2eMs());
                cost = cost.add(r.costUsd());
            }
            assertThat(col.footer().costUsd()).isEqualByComparingTo(cost).isPositive();
            assertThat(col.footer().meanLatencyMs()).isCloseTo(Percentiles.of(lat).mean(), within(1e-9));
            assertThat(col.footer().p95LatencyMs()).isCloseTo(Percentiles.of(lat).p95(), within(1e-9));
        }

        // filters
        assertThat(grid.rows(EvalGrid.Filter.FAILED_ONLY)).hasSize(20);
        assertThat(grid.cells(EvalGrid.Filter.FAILED_ONLY)).hasSize(20).allMatch(c -> c.col() == 3);
        assertThat(grid.rows(EvalGrid.Filter.DIFFERS)).hasSize(20);
        assertThat(grid.cells(EvalGrid.Filter.DIFFERS)).hasSize(80);

        // exports
        Path jsonl = dir.resolve("out.jsonl");
        service.export(grid.gridId(), EvalGrid.Filter.ALL, jsonl, EvalExport.Format.JSONL);
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).hasSize(80);
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertThat(first.keySet()).containsExactlyElementsOf(EvalExport.FIELDS);
        assertThat(first.get("prompt").getAsString()).isEqualTo("Answer in one sentence: case 1");
        assertThat(first.getAsJsonObject("vars").get("q").getAsString()).isEqualTo("case 1");
        assertThat(first.getAsJsonArray("checks").get(1).getAsJsonObject().get("type").getAsString())
                .isEqualTo("not-icontains");
        long passed = lines.stream().filter(l -> JsonParser.parseString(l).getAsJsonObject().get("pass").getAsBoolean())
                .count();
        assertThat(passed).isEqualTo(60);
        Path csv = dir.resolve("out.csv");
        service.export(grid.gridId(), EvalGrid.Filter.FAILED_ONLY, csv, EvalExport.Format.CSV);
        assertThat(Files.readAllLines(csv).get(0)).isEqualTo(String.join(",", EvalExport.FIELDS));
        Path html = dir.resolve("out.html");
        service.export(grid.gridId(), EvalGrid.Filter.ALL, html, EvalExport.Format.HTML);
        String page = Files.readString(html);
        assertThat(page).contains("20/20 (100.0%)", "0/20 (0.0%)", "v2-zh", "plus-short");
        assertThat(page.split("<tr><td>", -1)).hasSize(21);

        // the run is in the history, with the summary
        assertThat(runs.find(grid.runId()).orElseThrow().kind()).isEqualTo(RunKind.EVAL);
        JsonObject summary = JsonParser.parseString(runs.find(grid.runId()).orElseThrow().summaryJson())
                .getAsJsonObject();
        assertThat(summary.getAsJsonObject("totals").get("passed").getAsInt()).isEqualTo(60);
    }

    @Test
    void reRunsOneCellOneRowAndOneColumn() throws Exception {
        Path cfg = config("");
        EvalGrid grid = service.create(service.importConfig(cfg), cfg);
        grid = await(service.run(grid.gridId(), EvalService.Options.defaults(), null));
        Map<Long, Long> resultIds = resultIds(grid);

        java.math.BigDecimal cellBefore = grid.cell(1, 4).costUsd();
        java.math.BigDecimal gridBefore = grid.totals().costUsd();
        assertThat(cellBefore).isPositive();
        grid = await(service.rerun(grid.gridId(), EvalService.Selection.cell(1, 4), EvalService.Options.defaults(),
                null));
        assertThat(changed(resultIds, grid)).containsExactly(grid.cell(1, 4).itemId());
        // the first answer was paid for: the cell and the grid cost it and the new one
        assertThat(grid.cell(1, 4).costUsd()).isGreaterThan(cellBefore);
        assertThat(grid.totals().costUsd()).isEqualByComparingTo(gridBefore.add(grid.cell(1, 4).costUsd())
                .subtract(cellBefore));
        assertThat(grid.cell(1, 4).state()).isEqualTo(EvalGrid.CellState.PASSED);
        resultIds = resultIds(grid);

        grid = await(service.rerun(grid.gridId(), EvalService.Selection.row(7), EvalService.Options.defaults(), null));
        assertThat(changed(resultIds, grid)).containsExactlyInAnyOrder(grid.cell(0, 7).itemId(),
                grid.cell(1, 7).itemId(), grid.cell(2, 7).itemId(), grid.cell(3, 7).itemId());
        resultIds = resultIds(grid);

        grid = await(service.rerun(grid.gridId(), EvalService.Selection.column(3), EvalService.Options.defaults(),
                null));
        assertThat(changed(resultIds, grid)).hasSize(20);
        assertThat(grid.columns()).extracting(c -> c.footer().passRate()).containsExactly(1.0, 1.0, 1.0, 0.0);
    }

    private Map<Long, Long> resultIds(EvalGrid grid) {
        Map<Long, Long> out = new HashMap<>();
        for (EvalGrid.Column c : grid.columns()) {
            for (BatchStore.ItemResult ir : batches.itemsWithResults(c.jobId())) {
                out.put(ir.item().id(), ir.result().id());
            }
        }
        return out;
    }

    private List<Long> changed(Map<Long, Long> before, EvalGrid grid) {
        Map<Long, Long> now = resultIds(grid);
        assertThat(now.keySet()).isEqualTo(before.keySet());
        return now.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey())))
                .map(Map.Entry::getKey).toList();
    }

    @Test
    void theJudgeDecidesLlmSimilarAndItsCostIsCounted() throws Exception {
        Path cfg = config("""
                defaultTest:
                  options:
                    provider:
                      id: openai:chat:qwen-turbo
                      config: {apiBaseUrl: "{{ env.SIM_URL }}"}
                  assert:
                    - type: llm-similar
                      value: "an answer to {{q}}"
                """);
        EvalGrid grid = service.create(service.importConfig(cfg), cfg);
        grid = await(service.run(grid.gridId(), EvalService.Options.defaults(), null));
        BigDecimal judge = BigDecimal.ZERO;
        for (EvalGrid.Cell c : grid.cells()) {
            EvalChecks.Result j = c.checks().get(0);
            assertThat(j.type()).isEqualTo("llm-similar");
            assertThat(j.value()).isEqualTo("an answer to case " + (c.row() + 1));
            // the simulator answers the verdict's schema: a verdict was read, whichever it is
            assertThat(j.reason()).startsWith("judge: ");
            assertThat(c.judgeCostUsd()).isPositive();
            ResultRecord answer = batches.itemsWithResults(grid.columns().get(c.col()).jobId()).get(c.row()).result();
            assertThat(c.costUsd()).isEqualByComparingTo(answer.costUsd().add(c.judgeCostUsd()));
            judge = judge.add(c.judgeCostUsd());
        }
        assertThat(grid.totals().judgeCostUsd()).isEqualByComparingTo(judge);
    }

    @Test
    void aBudgetCoversTheWholeGrid() throws Exception {
        Path cfg = config("");
        EvalGrid grid = service.create(service.importConfig(cfg), cfg);
        // about what the first column costs: the later columns stop, their cells not run
        BigDecimal budget = new BigDecimal("0.0003");
        EvalService.Handle h = service.run(grid.gridId(),
                new EvalService.Options(2, budget, null, null, true, null), null);
        grid = await(h);
        assertThat(h.stopReason()).isEqualTo("budget");
        assertThat(grid.totals().costUsd()).isLessThanOrEqualTo(budget);
        assertThat(grid.totals().notRun() + grid.totals().pending()).isPositive();
        assertThat(grid.cells()).filteredOn(c -> c.state() == EvalGrid.CellState.NOT_RUN)
                .allMatch(c -> !c.passed() && c.error() != null);

        // a later run without the budget sends exactly the cells not answered (not run, and the later columns')
        int notRun = grid.totals().notRun() + grid.totals().pending();
        long before = sim.requestCount();
        grid = await(service.run(grid.gridId(), EvalService.Options.defaults(), null));
        assertThat(sim.requestCount() - before).isEqualTo(notRun);
        assertThat(grid.totals().notRun()).isZero();
        assertThat(grid.totals().pending()).isZero();
        assertThat(grid.totals().cells()).isEqualTo(80);
    }
}
