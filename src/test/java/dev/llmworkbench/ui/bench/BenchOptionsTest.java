package dev.llmworkbench.ui.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ThinkingMode;
import dev.llmworkbench.service.bench.Arrival;
import dev.llmworkbench.service.bench.BenchPlan;
import dev.llmworkbench.service.bench.TokenLength;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The form's fields into a plan (the plan's own checks, one line each). */
class BenchOptionsTest {
    private static BenchOptions options() {
        BenchOptions o = new BenchOptions();
        o.profileProperty().set(new ProviderProfile("sim", "http://127.0.0.1:1/v1", "m", null, Map.of(), Map.of(),
                null, null));
        o.modelProperty().set("m");
        return o;
    }

    @Test
    void everyOptionReachesThePlan() {
        BenchOptions o = options();
        o.headersProperty().set("X-Sim-Faults=ttft-ms=50,tps=200; X-Other = 1");
        o.loadKindProperty().set(BenchOptions.LoadKind.RATE);
        o.levelsProperty().set("5, 10");
        o.arrivalProperty().set("gamma:0.5");
        o.maxConcurrencyProperty().set("16");
        o.seedProperty().set("7");
        o.requestsProperty().set("");
        o.durationSProperty().set("2.5");
        o.warmupProperty().set("3");
        o.inputTokensProperty().set("128:16");
        o.outputTokensProperty().set("64");
        o.maxTokensProperty().set("100");
        o.sloTtftMsProperty().set("400");
        o.sloTpotMsProperty().set("50");
        o.sloE2eMsProperty().set("3000");
        o.goodputMinProperty().set("0.9");
        o.thinkingProperty().set("off");
        o.streamProperty().set(false);
        BenchOptions.Prepared p = o.prepare();
        assertThat(p.profile().extraHeaders()).containsEntry("X-Sim-Faults", "ttft-ms=50,tps=200")
                .containsEntry("X-Other", "1");
        assertThat(p.stream()).isFalse();
        BenchPlan plan = p.plan();
        assertThat(plan.rates()).containsExactly(5.0, 10.0);
        assertThat(plan.concurrencies()).isEmpty();
        assertThat(plan.arrival()).isEqualTo(Arrival.parse("gamma:0.5"));
        assertThat(plan.maxConcurrency()).isEqualTo(16);
        assertThat(plan.seed()).isEqualTo(7);
        assertThat(plan.requests()).isNull();
        assertThat(plan.durationS()).isEqualTo(2.5);
        assertThat(plan.warmup()).isEqualTo(3);
        assertThat(plan.inputTokens()).isEqualTo(new TokenLength(128, 16));
        assertThat(plan.outputTokens()).isEqualTo(new TokenLength(64, 0));
        assertThat(plan.maxTokens()).isEqualTo(100);
        assertThat(List.of(plan.sloTtftMs(), plan.sloTpotMs(), plan.sloE2eMs())).containsExactly(400.0, 50.0, 3000.0);
        assertThat(plan.goodputMin()).isEqualTo(0.9);
        assertThat(plan.thinking()).isFalse();
        assertThat(plan.findMax()).isNull();
        assertThat(plan.toJson().get("thinking").getAsBoolean()).isFalse();
    }

    @Test
    void aCapacitySearchAndTheDefaults() {
        BenchOptions o = options();
        o.levelsProperty().set("");
        o.findMaxProperty().set("concurrency");
        o.sloTtftMsProperty().set("100");
        BenchPlan plan = o.prepare().plan();
        assertThat(plan.findMax()).isEqualTo(BenchPlan.FindMax.CONCURRENCY);
        assertThat(plan.thinking()).isNull();
        assertThat(plan.requests()).isEqualTo(16);
        assertThat(plan.goodputMin()).isEqualTo(BenchPlan.DEFAULT_GOODPUT_MIN);
        assertThat(plan.toJson().has("thinking")).isFalse();
    }

    @Test
    void aWrongFieldIsOneLine() {
        BenchOptions o = options();
        o.levelsProperty().set("1,two");
        assertThatThrownBy(o::prepare).hasMessage("--concurrency needs whole numbers separated by commas, e.g. 1,2,4,8;"
                + " was '1,two'");
        o.levelsProperty().set("1,0");
        assertThatThrownBy(o::prepare).hasMessage("--concurrency needs levels of at least 1, e.g. 1,2,4,8");
        o.levelsProperty().set("1");
        o.maxConcurrencyProperty().set("4");
        assertThatThrownBy(o::prepare).hasMessageStartingWith("--max-concurrency caps an open loop");
        o.maxConcurrencyProperty().set("");
        o.findMaxProperty().set("rate");
        assertThatThrownBy(o::prepare).hasMessageStartingWith("--find-max needs an SLO");
        o.findMaxProperty().set("no");
        o.headersProperty().set("no-equals-sign");
        assertThatThrownBy(o::prepare).hasMessageStartingWith("--header: expected NAME=VALUE");
        o.headersProperty().set("");
        o.outputTokensProperty().set("a:b");
        assertThatThrownBy(o::prepare).hasMessageStartingWith("--output-tokens takes N or N:stddev");
        o.outputTokensProperty().set("");
        o.arrivalProperty().set("uniform");
        assertThatThrownBy(o::prepare).hasMessageStartingWith("--arrival must be");
        o.arrivalProperty().set("poisson");
        o.profileProperty().set(null);
        assertThatThrownBy(o::prepare).hasMessageStartingWith("choose a provider profile");
    }

    /** A catalogue's word on thinking, per provider and model (null: it does not say), as the lookup answers. */
    private static ThinkingMode mode(String provider, String model) {
        return switch (model) {
            case "qwen3-235b-a22b" -> ThinkingMode.DEFAULT_ON;
            case "qwen3-235b-a22b-instruct-2507", "qwen-max" -> ThinkingMode.NEVER;
            case "qwen3-235b-a22b-thinking-2507" -> ThinkingMode.ALWAYS;
            case "qwen-plus" -> "thinks-here".equals(provider) ? ThinkingMode.ALWAYS : ThinkingMode.OPTIONAL;
            default -> null;
        };
    }

    @Test
    void theThinkingChoiceFollowsTheModelAndAStaleChoiceIsNotSent() {
        BenchOptions o = options();
        o.followThinkingModes(BenchOptionsTest::mode);
        assertThat(o.thinkingModeProperty().get()).as("m: the catalogue does not say").isNull();
        assertThat(o.thinkingOfferedProperty().get()).isTrue();

        o.modelProperty().set("qwen3-235b-a22b"); // hybrid: a switch
        o.thinkingProperty().set("on");
        assertThat(o.thinkingOfferedProperty().get()).isTrue();
        assertThat(o.prepare().plan().thinking()).isTrue();

        o.modelProperty().set("qwen3-235b-a22b-thinking-2507"); // thinking-only: no switch
        assertThat(o.thinkingModeProperty().get()).isEqualTo(ThinkingMode.ALWAYS);
        assertThat(o.thinkingOfferedProperty().get()).isFalse();
        assertThat(o.thinkingProperty().get()).as("back to the provider's default")
                .isEqualTo(BenchOptions.THINKING.get(0));
        BenchPlan plan = o.prepare().plan();
        assertThat(plan.thinking()).as("the stale \"on\" is not sent").isNull();
        assertThat(plan.toJson().has("thinking")).isFalse();
        o.thinkingProperty().set("off"); // set from outside the (disabled) choice: still nothing sent
        assertThat(o.prepare().plan().thinking()).isNull();

        o.modelProperty().set("qwen3-235b-a22b");
        o.thinkingProperty().set("off");
        assertThat(o.prepare().plan().thinking()).isFalse();
        o.modelProperty().set("qwen3-235b-a22b-instruct-2507"); // never thinks: no switch
        assertThat(o.thinkingModeProperty().get()).isEqualTo(ThinkingMode.NEVER);
        assertThat(o.thinkingOfferedProperty().get()).isFalse();
        assertThat(o.thinkingProperty().get()).isEqualTo(BenchOptions.THINKING.get(0));
        assertThat(o.prepare().plan().thinking()).isNull();

        o.modelProperty().set("some-model-the-catalogue-does-not-know");
        assertThat(o.thinkingModeProperty().get()).isNull();
        assertThat(o.thinkingOfferedProperty().get()).as("offered when the catalogue does not say").isTrue();
        o.thinkingProperty().set("on");
        assertThat(o.prepare().plan().thinking()).isTrue();
    }

    @Test
    void theThinkingChoiceFollowsTheProviderProfile() {
        BenchOptions o = options();
        o.followThinkingModes(BenchOptionsTest::mode);
        o.modelProperty().set("qwen-plus");
        o.thinkingProperty().set("on");
        assertThat(o.thinkingModeProperty().get()).isEqualTo(ThinkingMode.OPTIONAL);
        assertThat(o.thinkingOfferedProperty().get()).isTrue();
        o.profileProperty().set(new ProviderProfile("thinks-here", "http://127.0.0.1:1/v1", null, null, Map.of(),
                Map.of(), null, null));
        assertThat(o.thinkingModeProperty().get()).isEqualTo(ThinkingMode.ALWAYS);
        assertThat(o.thinkingOfferedProperty().get()).isFalse();
        assertThat(o.thinkingProperty().get()).isEqualTo(BenchOptions.THINKING.get(0));
        assertThat(o.prepare().plan().thinking()).isNull();
        o.profileProperty().set(new ProviderProfile("sim", "http://127.0.0.1:1/v1", null, null, Map.of(), Map.of(),
                null, null));
        assertThat(o.thinkingOfferedProperty().get()).isTrue();
        assertThat(o.thinkingProperty().get()).as("the choice offered again starts at the default")
                .isEqualTo(BenchOptions.THINKING.get(0));
    }
}
