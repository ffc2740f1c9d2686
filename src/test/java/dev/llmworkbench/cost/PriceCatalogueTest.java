package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.PriceTier;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceCatalogueTest {
    private static final List<String> REQUIRED_MODELS = List.of("qwen3-235b-a22b", "qwen3-32b", "qwen3-30b-a3b",
            "qwen3-8b", "qwen-max", "qwen-plus", "qwen-turbo", "deepseek-v3.2", "gpt-4.1", "claude-sonnet-4.5",
            "gemini-2.5-flash");
    private static final List<String> REQUIRED_PROVIDERS = List.of("dashscope-intl", "dashscope-cn", "holysheep",
            "openai", "anthropic", "google", "deepseek");

    private final PriceCatalogue bundled = PriceCatalogue.loadBundled();

    @Test
    void bundledCatalogueIsDatedAndHasEveryRequiredModelAndProvider() {
        assertThat(bundled.updated()).isEqualTo(LocalDate.of(2026, 11, 24));
        assertThat(bundled.version()).isEqualTo(1);
        assertThat(bundled.models()).containsAll(REQUIRED_MODELS);
        assertThat(bundled.models().get(0)).isEqualTo("qwen3-235b-a22b");
        assertThat(bundled.providers()).containsAll(REQUIRED_PROVIDERS);
        for (ModelPrice p : bundled.all()) {
            assertThat(p.priceDate()).as(p.provider() + "/" + p.model() + " date").isNotNull();
            assertThat(p.source()).as(p.provider() + "/" + p.model() + " source").isNotBlank();
            assertThat(p.contextWindow()).as(p.provider() + "/" + p.model() + " window").isNotNull();
            assertThat(p.userOverride()).isFalse();
            if (p.verified()) {
                assertThat(p.source()).as("a verified entry names where it was checked").contains("http");
            }
        }
        for (String m : REQUIRED_MODELS) {
            assertThat(bundled.find("dashscope-intl", m).or(() -> bundled.find(m))).as(m).isPresent();
        }
    }

    @Test
    void bundledFiguresFromTheIssue() {
        assertPrice("dashscope-intl", "qwen-max", Currency.USD, "1.6", "6.4");
        assertPrice("dashscope-intl", "qwen-plus", Currency.USD, "0.4", "1.2");
        assertPrice("dashscope-intl", "qwen-turbo", Currency.USD, "0.05", "0.2");
        assertPrice("dashscope-cn", "qwen3-235b-a22b", Currency.CNY, "2", "8");
        ModelPrice q32 = assertPrice("dashscope-cn", "qwen3-32b", Currency.CNY, "2", "8");
        assertThat(q32.thinkingOutputPerM()).isEqualByComparingTo("20");
        ModelPrice plus = bundled.find("dashscope-cn", "qwen-plus").orElseThrow();
        PriceTier first = plus.tiers().get(0);
        assertThat(first.maxInputTokens()).isEqualTo(131_072);
        assertThat(first.inputPerM()).isEqualByComparingTo("0.8");
        assertThat(first.outputPerM()).isEqualByComparingTo("2");
        assertThat(first.thinkingOutputPerM()).isEqualByComparingTo("8");
        assertThat(bundled.find("dashscope-cn", "qwen3-32b").orElseThrow().batchDiscount()).isEqualByComparingTo("0.5");

        assertThat(bundled.find("holysheep", "qwen3-235b").orElseThrow().outputPerM()).isEqualByComparingTo("0.55");
        assertThat(bundled.find("holysheep", "gpt-4.1").orElseThrow().outputPerM()).isEqualByComparingTo("8");
        assertThat(bundled.find("holysheep", "claude-sonnet-4.5").orElseThrow().outputPerM()).isEqualByComparingTo("15");
        assertThat(bundled.find("holysheep", "gemini-2.5-flash").orElseThrow().outputPerM()).isEqualByComparingTo("2.5");
        assertThat(bundled.find("holysheep", "deepseek-v3.2").orElseThrow().outputPerM()).isEqualByComparingTo("0.42");
        assertThat(bundled.find("holysheep", "qwen3-235b").orElseThrow().verified()).isFalse();

        assertPrice("openai", "gpt-4.1", Currency.USD, "2", "8");
        assertPrice("anthropic", "claude-sonnet-4.5", Currency.USD, "3", "15");
        assertPrice("google", "gemini-2.5-flash", Currency.USD, "0.3", "2.5");

        for (String q : List.of("qwen3-235b-a22b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-8b")) {
            for (ModelPrice p : bundled.findAll(q)) {
                assertThat(p.contextWindow()).isEqualTo(32_768);
                assertThat(p.maxContextWindow()).isEqualTo(131_072);
            }
        }
    }

    private ModelPrice assertPrice(String provider, String model, Currency c, String in, String out) {
        ModelPrice p = bundled.find(provider, model).orElseThrow();
        assertThat(p.currency()).isEqualTo(c);
        assertThat(p.inputPerM()).isEqualByComparingTo(in);
        assertThat(p.outputPerM()).isEqualByComparingTo(out);
        return p;
    }

    @Test
    void aliasesResolveCaseInsensitivelyAndFindReturnsTheFirstEntry() {
        assertThat(bundled.resolveAlias("qwen3-235b")).isEqualTo("qwen3-235b-a22b");
        assertThat(bundled.resolveAlias("Qwen3-235B")).isEqualTo("qwen3-235b-a22b");
        assertThat(bundled.resolveAlias("claude-sonnet-4-5")).isEqualTo("claude-sonnet-4.5");
        assertThat(bundled.resolveAlias("no-such-model")).isEqualTo("no-such-model");
        assertThat(bundled.find("qwen3-235b").orElseThrow().provider()).isEqualTo("dashscope-intl");
        assertThat(bundled.find("dashscope-cn", "qwen3-235b").orElseThrow().currency()).isEqualTo(Currency.CNY);
        assertThat(bundled.find("no-such-model")).isEmpty();
        assertThat(bundled.find("openai", "qwen3-32b")).isEmpty();

        PriceCatalogue test = TestPrices.catalogue();
        assertThat(test.find("m-flat").orElseThrow().provider()).isEqualTo("p1");
        assertThat(test.find(null, "flat").orElseThrow().provider()).isEqualTo("p1");
        assertThat(test.find("p2", "flat").orElseThrow().inputPerM()).isEqualByComparingTo("1");
        assertThat(test.models()).containsExactly("m-flat", "m-tier", "m-cached");
    }

    @Test
    void overridesAreKeptApartAndSurviveANewBundledFile(@TempDir Path dir) throws Exception {
        Path overridesFile = dir.resolve("price-overrides.json");
        PriceCatalogue cat = TestPrices.catalogue(overridesFile);
        assertThat(cat.overrides()).isEmpty();

        ModelPrice mine = new ModelPrice("p1", "m-flat", List.of(), Currency.USD, new BigDecimal("1.5"),
                new BigDecimal("6"), null, null, null, List.of(), 32768, null, LocalDate.of(2026, 2, 1),
                "my contract", true, false);
        ModelPrice extra = new ModelPrice("my-proxy", "m-flat", List.of(), Currency.CNY, BigDecimal.ONE,
                BigDecimal.ONE, null, null, null, List.of(), null, null, LocalDate.of(2026, 2, 1), "mine", false, false);
        PriceCatalogue edited = cat.withOverride(mine).withOverride(extra);
        assertThat(cat.find("p1", "m-flat").orElseThrow().inputPerM()).as("the original is unchanged")
                .isEqualByComparingTo("2");
        ModelPrice used = edited.find("m-flat").orElseThrow();
        assertThat(used.inputPerM()).isEqualByComparingTo("1.5");
        assertThat(used.userOverride()).isTrue();
        assertThat(edited.all().get(0)).as("replaced in place, catalogue order kept").isEqualTo(used);
        assertThat(used.aliases()).as("the bundled aliases stay").containsExactly("flat");
        assertThat(edited.overrides()).hasSize(2);
        assertThat(edited.all().get(edited.all().size() - 1).provider()).isEqualTo("my-proxy");
        edited.saveOverrides(overridesFile);

        String saved = Files.readString(overridesFile);
        assertThat(saved).contains("my contract").contains("my-proxy").doesNotContain("m-tier").doesNotContain("m-cached");

        // a newer bundled file with a changed price and a new model: the override still wins
        String newer = TestPrices.JSON.replace("\"updated\": \"2026-01-02\"", "\"updated\": \"2026-06-01\"")
                .replace("\"input\": 2, \"output\": 8", "\"input\": 2.2, \"output\": 9")
                .replace("\"entries\": [", "\"entries\": [ {\"provider\": \"p3\", \"model\": \"m-new\", \"currency\": \"USD\","
                        + " \"input\": 1, \"output\": 2, \"price_date\": \"2026-06-01\", \"source\": \"t\"},");
        PriceCatalogue upgraded = PriceCatalogue.load(new StringReader(newer), overridesFile);
        assertThat(upgraded.updated()).isEqualTo(LocalDate.of(2026, 6, 1));
        assertThat(upgraded.models()).contains("m-new");
        assertThat(upgraded.find("p1", "m-flat").orElseThrow().inputPerM()).isEqualByComparingTo("1.5");
        assertThat(upgraded.find("my-proxy", "m-flat")).isPresent();

        PriceCatalogue reverted = upgraded.withoutOverride("p1", "flat");
        assertThat(reverted.find("p1", "m-flat").orElseThrow().inputPerM()).isEqualByComparingTo("2.2");
        assertThat(reverted.find("p1", "m-flat").orElseThrow().userOverride()).isFalse();
        assertThat(reverted.overrides()).hasSize(1);
    }

    @Test
    void aBrokenEntryIsReportedWithItsPlace() {
        String bad = "{\"version\":1,\"updated\":\"2026-01-01\",\"entries\":[{\"provider\":\"x\",\"model\":\"y\","
                + "\"currency\":\"USD\",\"input\":1}]}";
        assertThatThrownBy(() -> PriceCatalogue.load(new StringReader(bad), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 1 (x/y)")
                .hasMessageContaining("output");
        assertThatThrownBy(() -> PriceCatalogue.load(new StringReader("{not json"), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTokenizerIsNamedCheckedAndKeptInOverrides(@TempDir Path dir) {
        String bad = "{\"entries\":[{\"provider\":\"p\",\"model\":\"m\",\"currency\":\"USD\",\"input\":1,"
                + "\"output\":2,\"tokenizer\":\"llama3\"}]}";
        assertThatThrownBy(() -> PriceCatalogue.load(new StringReader(bad), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p/m").hasMessageContaining("unknown tokenizer 'llama3'");
        PriceCatalogue bundled = PriceCatalogue.loadBundled();
        ModelPrice mine = new ModelPrice("p", "house-model", List.of(), Currency.USD, BigDecimal.ONE, BigDecimal.TEN,
                null, null, null, List.of(), null, null, null, null, false, false, null, null, "QWEN3 ");
        assertThat(mine.tokenizer()).isEqualTo("QWEN3");
        Path file = dir.resolve("overrides.json");
        bundled.withOverride(mine).saveOverrides(file);
        PriceCatalogue reloaded = PriceCatalogue.loadBundled(file);
        assertThat(reloaded.find("house-model").orElseThrow().tokenizer()).isEqualTo("qwen3");
        assertThat(reloaded.tokenizerFor("house-model")).isEqualTo(Tokenizer.QWEN3);
        assertThat(reloaded.tokenizerFor("deepseek-v3.2")).as("no tokenizer named: by name").isEqualTo(Tokenizer.O200K);
    }
}
