package dev.llmworkbench.service.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunRecord;
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
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.EvalService;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.EvalStore;
import dev.llmworkbench.store.RunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A comparison's lanes as requests, and as an evaluation grid created, stored and run through the eval service. */
class CompareEvaluationTest {
    @TempDir
    Path dir;

    private final DaemonThreads threads = new DaemonThreads();
    private final ClientPool clients = ClientPool.create();
    private Simulator sim;
    private Database db;
    private EvalService evals;
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
        evals = new EvalService(new EvalStore(db), batches, runs, engine, chat, threads.cached("test-eval"),
                Map.<String, String>of()::get);
    }

    @AfterEach
    void stop() {
        db.close();
        sim.close();
        clients.close();
        threads.close();
    }

    private CompareSpec spec() {
        ProviderProfile p = ProviderProfile.of("Simulator", sim.baseUrl());
        return new CompareSpec("You answer in {{lang}}.", List.of(Message.user("Hi"), Message.assistant("Hello!")),
                "Tell me about {{topic}}.", Map.of("lang", "French", "topic", "cheese"), List.of(
                        new CompareSpec.Lane(p, "qwen3-235b-a22b", 0.2, 0.9, null, true, 64),
                        new CompareSpec.Lane(p, "qwen-turbo", 1.1, null, 50, false, 64)));
    }

    @Test
    void eachLanesRequestCarriesItsOwnParametersAndTheSharedConversation() {
        CompareSpec s = spec();
        ChatRequest one = s.request(0);
        ChatRequest two = s.request(1);
        assertThat(one.messages()).extracting(Message::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(one.messages().get(0).content()).isEqualTo("You answer in French.");
        assertThat(one.messages().get(3).content()).isEqualTo("Tell me about cheese.");
        assertThat(two.messages()).isEqualTo(one.messages());
        assertThat(one.temperature()).isEqualTo(0.2);
        assertThat(one.topP()).isEqualTo(0.9);
        assertThat(one.enableThinking()).isTrue();
        assertThat(one.thinkingBudget()).isEqualTo(64);
        assertThat(two.temperature()).isEqualTo(1.1);
        assertThat(two.maxTokens()).isEqualTo(50);
        assertThat(two.enableThinking()).isFalse();
        assertThat(two.thinkingBudget()).as("no budget with thinking off").isNull();
        assertThat(s.lanes().get(0).parameters()).isEqualTo("temperature 0.2 · top_p 0.9 · thinking on, budget 64");
        assertThat(CompareSpec.variableNames("{{a}}", List.of(Message.user("{{b}} {{a}}")), "{{c}}"))
                .containsExactly("a", "b", "c");
        assertThatThrownBy(() -> new CompareSpec("", null, " ", null, s.lanes()))
                .hasMessageContaining("prompt");
        assertThatThrownBy(() -> new CompareSpec.Lane(ProviderProfile.of("x", sim.baseUrl()), "m", 2.5, null, null,
                false, null)).hasMessageContaining("temperature");
    }

    @Test
    void savingCreatesAGridOfOneRowAndOneColumnPerLaneThatRuns() throws Exception {
        List<ProviderProfile> asked = new ArrayList<>();
        EvalGrid grid = CompareEvaluation.save(evals, spec(), "compare: cheese", p -> {
            asked.add(p);
            return Optional.of(ApiKey.of("sk-test"));
        });
        assertThat(asked).hasSize(2);
        assertThat(grid.rows()).hasSize(1);
        assertThat(grid.rows().get(0).vars()).containsEntry("topic", "cheese").containsEntry("lang", "French");
        assertThat(grid.columns()).extracting(EvalGrid.Column::model).containsExactly("qwen3-235b-a22b", "qwen-turbo");
        assertThat(grid.columns()).extracting(EvalGrid.Column::provider).containsOnly("Simulator");
        assertThat(grid.columns().get(0).parameters()).isEqualTo("temperature=0.2");
        assertThat(grid.columns().get(1).parameters()).isEqualTo("temperature=1.1, max_tokens=50");
        // what the grid cannot send is said, not dropped silently
        assertThat(grid.plan().warnings()).singleElement().asString()
                .contains("lane 1").contains("top_p 0.9").contains("thinking on (budget 64)");
        RunRecord run = runs.find(grid.runId()).orElseThrow();
        assertThat(run.kind()).isEqualTo(RunKind.EVAL);
        assertThat(run.title()).isEqualTo("compare: cheese");
        // each cell sends the conversation with the row's variables filled, and its column's temperature
        String rowJson = batches.items(grid.columns().get(1).jobId()).get(0).rowJson();
        JsonObject row = JsonParser.parseString(rowJson).getAsJsonObject();
        assertThat(row.get("temperature").getAsDouble()).isEqualTo(1.1);
        assertThat(row.getAsJsonArray("messages")).hasSize(4);
        assertThat(row.getAsJsonArray("messages").get(3).getAsJsonObject().get("content").getAsString())
                .isEqualTo("Tell me about cheese.");

        EvalGrid done = evals.run(grid.gridId(), EvalService.Options.defaults(), null).result().get(30, TimeUnit.SECONDS);
        assertThat(done.cells()).hasSize(2).allSatisfy(c -> {
            assertThat(c.state()).as("no checks: an answer passes").isEqualTo(EvalGrid.CellState.PASSED);
            assertThat(c.response()).isNotBlank();
        });
    }

    @Test
    void theTitleIsThePromptsStart() {
        assertThat(CompareEvaluation.title(spec())).isEqualTo("compare: Tell me about {{topic}}.");
        assertThat(CompareEvaluation.conversationTemplate(spec())).startsWith("[{\"role\":\"system\"")
                .contains("{{topic}}");
    }
}
