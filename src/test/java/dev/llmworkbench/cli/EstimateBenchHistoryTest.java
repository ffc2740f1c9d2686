package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.ProfileStore;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code estimate}, {@code bench}, {@code history} and {@code --profile}, with the store in a temp folder. */
class EstimateBenchHistoryTest {
    @TempDir
    Path dir;

    private static JsonObject json(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }

    @Test
    void estimateJsonEqualsTheCostCalculatorsFigures() {
        String prompt = "Summarise the history of the printing press in three sentences.";
        CliRun.Result r = CliRun.run("estimate", "--prompt", prompt, "--models", "qwen3-235b-a22b,qwen-plus",
                "--requests-per-day", "1000", "--json");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        JsonArray models = json(r.out()).getAsJsonArray("models");
        assertThat(models).hasSize(2);
        CostCalculator costs = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT);
        TokenEstimator est = new TokenEstimator();
        for (int i = 0; i < 2; i++) {
            JsonObject m = models.get(i).getAsJsonObject();
            String model = List.of("qwen3-235b-a22b", "qwen-plus").get(i);
            assertThat(m.keySet()).containsExactly("model", "provider", "input_tokens", "tokenizer", "output_tokens",
                    "cost_per_request_usd", "cost_per_day_usd", "cost_per_month_usd", "cost_per_request_cny",
                    "cost_per_day_cny", "cost_per_month_cny");
            int in = est.estimate(model, List.of(Message.user(prompt))).tokens();
            CostResult c = costs.cost(null, model, Usage.of(in, 256), false);
            assertThat(m.get("model").getAsString()).isEqualTo(model);
            assertThat(m.get("provider").getAsString()).isEqualTo(c.provider());
            assertThat(m.get("input_tokens").getAsInt()).isEqualTo(in);
            assertThat(m.get("tokenizer").getAsString()).as("Qwen models are counted with Qwen's own tokenizer")
                    .isEqualTo("qwen3");
            assertThat(m.get("output_tokens").getAsInt()).isEqualTo(256);
            assertThat(m.get("cost_per_request_usd").getAsBigDecimal()).isEqualByComparingTo(c.totalUsd().amount());
            assertThat(m.get("cost_per_day_usd").getAsBigDecimal())
                    .isEqualByComparingTo(c.totalUsd().amount().multiply(BigDecimal.valueOf(1000)));
            assertThat(m.get("cost_per_month_usd").getAsBigDecimal())
                    .isEqualByComparingTo(c.totalUsd().amount().multiply(BigDecimal.valueOf(30_000)));
            // CNY: the model's own CNY list price where the catalogue has one (dashscope-cn), else converted
            String cnyProvider = costs.catalogue().findAll(model).stream()
                    .filter(p -> p.currency() == dev.llmworkbench.domain.Currency.CNY)
                    .map(dev.llmworkbench.domain.ModelPrice::provider).findFirst().orElse(null);
            CostResult cn = cnyProvider == null ? c : costs.cost(cnyProvider, model, Usage.of(in, 256), false);
            assertThat(cnyProvider).isEqualTo(i == 0 ? "dashscope-cn" : cnyProvider);
            assertThat(m.get("cost_per_request_cny").getAsBigDecimal()).isEqualByComparingTo(cn.totalCny().amount());
            assertThat(m.get("cost_per_month_cny").getAsBigDecimal())
                    .isEqualByComparingTo(cn.totalCny().amount().multiply(BigDecimal.valueOf(30_000)));
        }
    }

    @Test
    void estimateFromAFileCountsOneRequestPerRowAndRejectsUnknownModels() throws Exception {
        Path in = Files.writeString(dir.resolve("in.csv"), "prompt\nhello there\nanother question\n,\n");
        CliRun.Result r = CliRun.run("estimate", "--input", in.toString(), "--output-tokens", "100", "--json");
        // the invalid last row makes the exit code 1 (the one rule of the commands that read rows); the valid
        // rows are still estimated
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("invalid row: line 4:").contains("rows: 2 estimated, 1 invalid");
        JsonObject m = json(r.out()).getAsJsonArray("models").get(0).getAsJsonObject();
        assertThat(m.get("output_tokens").getAsInt()).isEqualTo(100);
        // two valid rows = two requests a day by default
        assertThat(m.get("cost_per_day_usd").getAsBigDecimal())
                .isEqualByComparingTo(m.get("cost_per_request_usd").getAsBigDecimal().multiply(BigDecimal.valueOf(2)));
        CliRun.Result text = CliRun.run("estimate", "--prompt", "你好，世界", "--models", "qwen3-32b,gpt-4.1");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).containsPattern("qwen3-32b .* in +\\d+ \\(qwen3\\)")
                .containsPattern("gpt-4.1 .* in +\\d+ \\(o200k\\)");
        CliRun.Result bad = CliRun.run("estimate", "--prompt", "x", "--models", "no-such-model");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("no price for model 'no-such-model'");
        assertThat(CliRun.run("estimate").code()).isEqualTo(2);
    }

    @Test
    void benchJsonHasOneLevelPerConcurrencyAndIsRecorded() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("tps=0,ttft-ms=0")))) {
            Path db = dir.resolve("wb.db");
            CliRun.Result r = CliRun.run("bench", "--base-url", sim.baseUrl(), "--requests", "6", "--concurrency", "1,3",
                    "--max-tokens", "20", "--slo-ttft-ms", "10000", "--db", db.toString(), "--json");
            assertThat(r.code()).as(r.err()).isEqualTo(0);
            JsonArray levels = json(r.out()).getAsJsonArray("levels");
            assertThat(levels).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JsonObject l = levels.get(i).getAsJsonObject();
                assertThat(l.keySet()).containsExactly("concurrency", "requests", "errors", "duration_s",
                        "offered_rate", "request_rate", "output_tokens_per_s", "goodput", "ttft_ms", "ttfo_ms",
                        "tpot_ms", "itl_ms", "e2e_ms", "chunks_per_token", "tokens_source", "errors_by_kind",
                        "warmup", "output_tokens");
                assertThat(l.get("concurrency").getAsInt()).isEqualTo(List.of(1, 3).get(i));
                assertThat(l.get("requests").getAsInt()).isEqualTo(6);
                assertThat(l.get("errors").getAsInt()).isZero();
                for (String k : List.of("ttft_ms", "ttfo_ms", "tpot_ms", "itl_ms", "e2e_ms")) {
                    assertThat(l.getAsJsonObject(k).keySet()).containsExactly("p50", "p90", "p95", "p99", "mean", "min",
                            "max");
                }
                assertThat(l.getAsJsonObject("e2e_ms").get("p50").getAsDouble()).isPositive();
                assertThat(l.get("goodput").getAsDouble()).isEqualTo(1.0);
            }
            // and before each level its warm-up, as many as the level's concurrency, not counted nor stored
            assertThat(sim.requestCount()).isEqualTo(12 + 1 + 3);
            CliRun.Result h = CliRun.run("history", "list", "--db", db.toString(), "--json");
            JsonArray runs = json(h.out()).getAsJsonArray("runs");
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).getAsJsonObject().get("kind").getAsString()).isEqualTo("benchmark");
            // every request is in the history as it ended (the charts read them), with its timings
            long runId = runs.get(0).getAsJsonObject().get("id").getAsLong();
            try (Database d = Database.open(db)) {
                var results = new dev.llmworkbench.store.ResultStore(d).listByRun(runId);
                assertThat(results).hasSize(12).allSatisfy(res -> {
                    assertThat(res.succeeded()).isTrue();
                    assertThat(res.timing().e2eMs()).isPositive();
                    assertThat(res.usage().completionTokens()).isPositive();
                });
            }
        }
    }

    @Test
    void chatBatchAndBenchAreRecordedAndHistoryListsShowsAndExportsThem() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("tps=0,ttft-ms=0")))) {
            Path db = dir.resolve("wb.db");
            try (Database d = Database.open(db)) {
                new ProfileStore(d).save(new ProviderProfile("local-sim", sim.baseUrl(), "qwen3-32b", null,
                        Map.of("X-Team", "analysts"), Map.of(), null, null, Dialect.DASHSCOPE));
            }
            CliRun.Result chat = CliRun.run("chat", "--profile", "local-sim", "--max-tokens", "10", "--db",
                    db.toString(), "--system", "Be brief", "--no-thinking", "--json", "hello history");
            assertThat(chat.code()).as(chat.err()).isEqualTo(0);
            assertThat(sim.requestCount()).isEqualTo(1);
            Path in = Files.writeString(dir.resolve("in.csv"), "prompt,max_tokens\none,5\ntwo,5\n");
            CliRun.Result batch = CliRun.run("batch", "--profile", "local-sim", "--input", in.toString(), "--output",
                    dir.resolve("o.jsonl").toString(), "--rpm", "100000", "--db", db.toString());
            assertThat(batch.code()).as(batch.err()).isEqualTo(0);
            assertThat(sim.requestCount()).isEqualTo(3);
            CliRun.Result bench = CliRun.run("bench", "--profile", "local-sim", "--requests", "2", "--concurrency", "1",
                    "--warmup", "0", "--db", db.toString());
            assertThat(bench.code()).as(bench.err()).isEqualTo(0);
            assertThat(sim.requestCount()).isEqualTo(5);

            CliRun.Result list = CliRun.run("history", "--db", db.toString(), "--json");
            assertThat(list.code()).isEqualTo(0);
            JsonArray runs = json(list.out()).getAsJsonArray("runs");
            assertThat(runs).extracting(e -> e.getAsJsonObject().get("kind").getAsString())
                    .containsExactly("benchmark", "batch", "single");
            long chatId = runs.get(2).getAsJsonObject().get("id").getAsLong();
            long batchId = runs.get(1).getAsJsonObject().get("id").getAsLong();
            assertThat(runs.get(2).getAsJsonObject().get("status").getAsString()).isEqualTo("done");
            assertThat(runs.get(2).getAsJsonObject().get("provider").getAsString()).isEqualTo("local-sim");
            // the history keeps the body exactly as it was sent: system prompt and thinking switch included
            try (Database d = Database.open(db)) {
                String sent = new dev.llmworkbench.store.ResultStore(d).listByRun(chatId).get(0).requestJson();
                assertThat(sent).contains("\"content\":\"Be brief\"").contains("\"enable_thinking\":false")
                        .contains("hello history").doesNotContain("Bearer");
            }

            CliRun.Result show = CliRun.run("history", "show", String.valueOf(batchId), "--db", db.toString(), "--json");
            assertThat(show.code()).isEqualTo(0);
            JsonObject detail = json(show.out());
            assertThat(detail.get("results").getAsInt()).isEqualTo(2);
            assertThat(detail.get("job_id").getAsString()).startsWith("b-");
            assertThat(detail.getAsJsonObject("summary").get("succeeded").getAsInt()).isEqualTo(2);
            CliRun.Result text = CliRun.run("history", "show", String.valueOf(chatId), "--db", db.toString());
            assertThat(text.out()).contains("run " + chatId + " (single, done)").contains("hello history");

            Path export = dir.resolve("chat.jsonl");
            CliRun.Result ex = CliRun.run("history", "export", String.valueOf(chatId), "--output", export.toString(),
                    "--db", db.toString());
            assertThat(ex.code()).as(ex.err()).isEqualTo(0);
            List<String> lines = Files.readAllLines(export);
            assertThat(lines).hasSize(1);
            JsonObject line = json(lines.get(0));
            assertThat(line.get("status").getAsString()).isEqualTo("done");
            assertThat(line.get("response").getAsString()).isNotEmpty();
            Path csv = dir.resolve("batch.csv");
            assertThat(CliRun.run("history", "export", String.valueOf(batchId), "--output", csv.toString(), "--db",
                    db.toString()).code()).isEqualTo(0);
            assertThat(Files.readAllLines(csv)).hasSize(3).first().asString().startsWith("request_id,line,status,model");

            assertThat(CliRun.run("history", "show", "999", "--db", db.toString()).code()).isEqualTo(2);
            assertThat(CliRun.run("history", "export", String.valueOf(chatId), "--db", db.toString()).code()).isEqualTo(2);
            assertThat(CliRun.run("history", "frobnicate", "--db", db.toString()).code()).isEqualTo(2);
            assertThat(CliRun.run("chat", "--profile", "nope", "--db", db.toString(), "hi").code()).isEqualTo(2);
        }
    }
}
