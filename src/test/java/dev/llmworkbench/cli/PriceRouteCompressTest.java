package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The {@code price}, {@code route} and {@code compress} contracts. */
class PriceRouteCompressTest {
    @Test
    void priceJsonHasTheContractFieldsAndTheCalculatorsFigures() {
        CliRun.Result r = CliRun.of("price", "--model", "qwen3-32b", "--provider", "dashscope-cn", "--input-tokens", "1000000",
                "--output-tokens", "1000000", "--reasoning-tokens", "500000", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.keySet()).containsExactlyInAnyOrder("model", "provider", "price_date", "cost_usd", "cost_cny",
                "breakdown", "exchange_rate");
        assertThat(j.getAsJsonObject("breakdown").keySet()).containsExactlyInAnyOrder("input_usd", "cached_input_usd",
                "output_usd", "reasoning_usd");
        assertThat(j.get("provider").getAsString()).isEqualTo("dashscope-cn");
        // China qwen3-32b: ¥2 in, ¥8 out, ¥20 thinking per 1M → 2 + 0.5×8 + 0.5×20 = ¥16
        assertThat(j.get("cost_cny").getAsBigDecimal()).isEqualByComparingTo("16");
        CostResult expected = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT)
                .cost("dashscope-cn", "qwen3-32b", new Usage(1_000_000, 1_000_000, 2_000_000, 500_000, 0, false), false);
        assertThat(j.get("cost_usd").getAsBigDecimal()).isEqualByComparingTo(expected.totalUsd().amount());
        assertThat(j.get("exchange_rate").getAsBigDecimal()).isEqualByComparingTo(new BigDecimal("7.3"));
    }

    @Test
    void withoutAProviderTheFirstEntryIsUsedAndNamed() {
        CliRun.Result r = CliRun.of("price", "--model", "qwen3-235b", "--input-tokens", "10", "--output-tokens", "10");
        assertThat(r.exit()).isZero();
        String first = PriceCatalogue.loadBundled().find("qwen3-235b-a22b").orElseThrow().provider();
        assertThat(r.out()).contains("qwen3-235b-a22b at " + first).contains("first catalogue entry");
    }

    @Test
    void anUnknownModelIsWrongUsageWithTheContractMessage() {
        CliRun.Result r = CliRun.of("price", "--model", "no-such-model", "--input-tokens", "1", "--output-tokens", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no price for no-such-model");
        assertThat(CliRun.of("price", "--model", "qwen-max", "--input-tokens", "1", "--output-tokens", "1",
                "--reasoning-tokens", "2").exit()).isEqualTo(2);
        assertThat(CliRun.of("price", "--model", "qwen-max", "--input-tokens", "1", "--output-tokens", "1",
                "--currency", "EUR").exit()).isEqualTo(2);
    }

    @Test
    void routeJsonGivesScoreLevelModelAndReason() {
        CliRun.Result simple = CliRun.of("route", "--json", "What time is it?");
        assertThat(simple.json().keySet()).containsExactlyInAnyOrder("score", "level", "model", "reason");
        assertThat(simple.json().get("level").getAsString()).isEqualTo("simple");
        assertThat(simple.json().get("model").getAsString()).isEqualTo("qwen-turbo");
        String longPrompt = "Implement a concurrent database API with an async algorithm. ".repeat(6)
                + "```java\nclass A {}\n```";
        CliRun.Result complex = CliRun.of("route", "--json", longPrompt);
        assertThat(complex.json().get("level").getAsString()).isEqualTo("complex");
        assertThat(complex.json().get("model").getAsString()).isEqualTo("qwen3-235b-a22b");
        assertThat(complex.json().get("score").getAsDouble()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void compressJsonGivesTextAndTokenCounts() {
        CliRun.Result r = CliRun.of("compress", "--json", "Could you please   summarise this?????? `please keep`");
        assertThat(r.exit()).isZero();
        JsonObject j = r.json();
        assertThat(j.keySet()).containsExactlyInAnyOrder("text", "tokens_before", "tokens_after");
        assertThat(j.get("text").getAsString()).doesNotContain("Could you").contains("`please keep`")
                .doesNotContain("  ").doesNotContain("????");
        assertThat(j.get("tokens_after").getAsInt()).isLessThan(j.get("tokens_before").getAsInt());
    }
}
