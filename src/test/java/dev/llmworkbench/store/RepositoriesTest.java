package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.reflect.TypeToken;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoriesTest {
    @TempDir
    Path dir;
    Database db;
    TestClock clock = new TestClock(Instant.parse("2026-11-24T10:15:00Z"));

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("wb.db"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void profilesRoundTripAndUpdateAndDelete() {
        ProfileStore store = new ProfileStore(db, clock);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enable_thinking", true);
        body.put("top_k", 20L);
        body.put("stop", List.of("###"));
        ProviderProfile qwen = new ProviderProfile("dashscope", "https://dashscope.example/v1/", "qwen3-max",
                "keyring:dashscope", Map.of("X-DashScope-Async", "enable"), body, "proxy.local:3128", "/etc/ca.pem");
        store.save(qwen);
        store.save(ProviderProfile.of("local", "http://127.0.0.1:8000/v1"));

        assertThat(store.find("dashscope")).contains(qwen);
        assertThat(store.find("dashscope").orElseThrow().extraBody().get("top_k")).isEqualTo(20L);
        assertThat(store.list()).extracting(ProviderProfile::name).containsExactly("dashscope", "local");

        store.save(qwen.withBaseUrl("https://other.example/v1"));
        assertThat(store.find("dashscope").orElseThrow().baseUrl()).isEqualTo("https://other.example/v1");
        assertThat(store.list()).hasSize(2);

        assertThat(store.delete("local")).isTrue();
        assertThat(store.delete("local")).isFalse();
        assertThat(store.find("local")).isEmpty();
    }

    @Test
    void aProfileCarryingACredentialHeaderIsRefused() {
        ProfileStore store = new ProfileStore(db, clock);
        ProviderProfile bad = new ProviderProfile("bad", "http://x", null, null,
                Map.of("Authorization", "Bearer sk-abcdefghijkl"), Map.of(), null, null);
        assertThatThrownBy(() -> store.save(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Authorization").hasMessageNotContaining("sk-abcdefghijkl");
        assertThat(store.list()).isEmpty();
    }

    record Window(int width, int height) {
    }

    @Test
    void settingsRoundTripTypedValues() {
        SettingsStore s = new SettingsStore(db, clock);
        s.put("theme", "dark");
        s.put("concurrency", 8);
        s.put("stream", true);
        s.put("temperature", 0.7);
        s.put("window", new Window(1280, 800));
        s.put("recent", List.of("a", "b"));

        assertThat(s.getString("theme", "light")).isEqualTo("dark");
        assertThat(s.getInt("concurrency", 1)).isEqualTo(8);
        assertThat(s.getBoolean("stream", false)).isTrue();
        assertThat(s.getDouble("temperature", 1)).isEqualTo(0.7);
        assertThat(s.get("window", Window.class)).contains(new Window(1280, 800));
        assertThat(s.<List<String>>get("recent", new TypeToken<List<String>>() { }.getType()))
                .contains(List.of("a", "b"));
        assertThat(s.getInt("missing", 42)).isEqualTo(42);
        assertThat(s.keys()).containsExactly("concurrency", "recent", "stream", "temperature", "theme", "window");

        s.put("theme", "light");
        assertThat(s.getString("theme", null)).isEqualTo("light");
        s.put("theme", null);
        assertThat(s.getJson("theme")).isEmpty();
        assertThat(s.delete("stream")).isTrue();
        assertThat(s.delete("stream")).isFalse();
    }

    @Test
    void priceOverridesRoundTrip() {
        PriceOverrideStore p = new PriceOverrideStore(db, clock);
        String json = "{\"input_per_mtok\":\"0.40\",\"output_per_mtok\":\"1.20\",\"currency\":\"USD\"}";
        p.put("dashscope", "qwen3-max", json);
        clock.advance(Duration.ofMinutes(1));
        p.put("openrouter", "qwen/qwen3-8b", "{}");
        assertThat(p.find("dashscope", "qwen3-max").orElseThrow().priceJson()).isEqualTo(json);
        assertThat(p.find("dashscope", "qwen3-max").orElseThrow().updatedAt())
                .isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
        p.put("dashscope", "qwen3-max", "{\"x\":1}");
        assertThat(p.find("dashscope", "qwen3-max").orElseThrow().priceJson()).isEqualTo("{\"x\":1}");
        assertThat(p.list()).extracting(PriceOverrideStore.PriceOverride::model)
                .containsExactly("qwen3-max", "qwen/qwen3-8b");
        assertThat(p.delete("openrouter", "qwen/qwen3-8b")).isTrue();
        assertThat(p.find("openrouter", "qwen/qwen3-8b")).isEmpty();
    }

    @Test
    void budgetSpendAddsExactDecimalsPerDayAndPriority() {
        BudgetSpendStore b = new BudgetSpendStore(db);
        LocalDate day = LocalDate.of(2026, 11, 24);
        for (int i = 0; i < 10; i++) {
            b.addSpend(day, Priority.BATCH, new BigDecimal("0.1"));
        }
        b.addSpend(day, Priority.CRITICAL, new BigDecimal("0.000001"));
        b.addSpend(day.plusDays(1), Priority.BATCH, new BigDecimal("5"));
        assertThat(b.spent(day, Priority.BATCH)).isEqualByComparingTo("1.0");
        assertThat(b.spent(day, Priority.NORMAL)).isEqualByComparingTo("0");
        assertThat(b.spentOn(day)).isEqualByComparingTo("1.000001");
        assertThat(b.addSpend(day, Priority.BATCH, new BigDecimal("-0.25"))).isEqualByComparingTo("0.75");

        Instant t = Instant.parse("2026-11-24T10:15:00Z");
        b.addTokens(t, 1000);
        assertThat(b.addTokens(t.plusSeconds(1800), 500)).isEqualTo(1500);
        b.addTokens(t.plusSeconds(3600), 7);
        assertThat(b.tokensInHour(Instant.parse("2026-11-24T10:00:00Z"))).isEqualTo(1500);
        assertThat(b.tokensInHour(Instant.parse("2026-11-24T11:59:59Z"))).isEqualTo(7);
        assertThat(b.tokensInHour(Instant.parse("2026-11-24T12:00:00Z"))).isZero();
    }

    @Test
    void promptLibraryKeepsEveryVersion() {
        PromptStore p = new PromptStore(db, clock);
        assertThat(p.save("summarise", "You are terse.", "Summarise {{text}}", "{\"text\":\"\"}",
                "{\"temperature\":0.2}").version()).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        PromptStore.PromptVersion v2 = p.save("summarise", "You are terse.", "Summarise in 3 bullets: {{text}}",
                null, null);
        p.save("translate", null, "Translate {{text}}", null, null);

        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.variablesJson()).isEqualTo("{}");
        assertThat(p.names()).containsExactly("summarise", "translate");
        assertThat(p.versions("summarise")).extracting(PromptStore.PromptVersion::version).containsExactly(1, 2);
        PromptStore.PromptVersion v1 = p.get("summarise", 1).orElseThrow();
        assertThat(v1.user()).isEqualTo("Summarise {{text}}");
        assertThat(v1.parametersJson()).isEqualTo("{\"temperature\":0.2}");
        assertThat(v1.createdAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
        assertThat(p.latest("summarise").orElseThrow().user()).contains("3 bullets");
        assertThat(p.get("summarise", 3)).isEmpty();
        assertThat(p.delete("summarise")).isEqualTo(2);
        assertThat(p.names()).containsExactly("translate");
    }
}
