package dev.llmworkbench.service;

import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.service.playground.CodeSnippets;
import dev.llmworkbench.service.playground.JsonCheck;
import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.service.providers.ProviderPreset;
import dev.llmworkbench.service.providers.ProviderService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.FileSecretStore;
import dev.llmworkbench.store.ProfileStore;
import dev.llmworkbench.store.PromptStore;
import dev.llmworkbench.store.SettingsStore;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesktopFacadesTest {
    @TempDir
    Path dir;

    @Test
    void aPriceOverrideIsKeptInItsOwnFileChangesTheEstimateAndCanBeRemoved() throws Exception {
        Path overrides = dir.resolve("settings/price-overrides.json");
        try (Database db = Database.open(dir.resolve("w.db"))) {
            PriceService prices = new PriceService(overrides, new SettingsStore(db), new TokenEstimator());
            ChatRequest req = ChatRequest.builder("qwen3-235b-a22b").user("hello ".repeat(200)).build();
            PriceService.Estimate before = prices.estimate("dashscope-intl", req);
            assertThat(before.priced()).isTrue();
            int[] changes = {0};
            prices.addListener(() -> changes[0]++);
            ModelPrice p = prices.find("dashscope-intl", "qwen3-235b-a22b").orElseThrow();
            prices.setPrice(p.provider(), p.model(), p.inputPerM().multiply(BigDecimal.TEN), p.outputPerM());
            PriceService.Estimate after = prices.estimate("dashscope-intl", req);
            assertThat(after.inputTokens()).isEqualTo(before.inputTokens());
            assertThat(after.tokenizer()).isEqualTo("qwen3");
            assertThat(after.describeTokens()).isEqualTo("≈ " + after.inputTokens() + " tokens (qwen3)");
            assertThat(prices.find("dashscope-intl", "qwen3-235b-a22b").orElseThrow().tokenizer())
                    .as("an override keeps the entry's tokenizer").isEqualTo("qwen3");
            assertThat(after.inputUsd().amount()).isEqualByComparingTo(before.inputUsd().amount().multiply(BigDecimal.TEN));
            assertThat(changes[0]).isEqualTo(1);
            assertThat(Files.readString(overrides)).contains("qwen3-235b-a22b");
            assertThat(prices.prices()).anyMatch(ModelPrice::userOverride);

            PriceService reopened = new PriceService(overrides, new SettingsStore(db), new TokenEstimator());
            assertThat(reopened.estimate("dashscope-intl", req).inputUsd().amount())
                    .isEqualByComparingTo(after.inputUsd().amount());
            assertThat(reopened.removeOverride(p.provider(), p.model())).isTrue();
            assertThat(reopened.estimate("dashscope-intl", req).inputUsd().amount())
                    .isEqualByComparingTo(before.inputUsd().amount());

            reopened.setCnyPerUsd(new BigDecimal("7.0"));
            assertThat(new PriceService(overrides, new SettingsStore(db), new TokenEstimator()).cnyPerUsd())
                    .isEqualByComparingTo("7.0");
        }
    }

    @Test
    void everySaveIsANewVersionAndTwoVersionsDiffLineByLine() {
        try (Database db = Database.open(dir.resolve("w.db"))) {
            PromptLibraryService lib = new PromptLibraryService(new PromptStore(db));
            lib.save("greet", "Be brief.", "Hello {{name}}", Map.of("name", "Ada"), Map.of("temperature", "0.2"));
            lib.save("greet", "Be brief.", "Hi {{name}}!", Map.of("name", "Ada"), Map.of("temperature", "0.7"));
            List<PromptLibraryService.SavedPrompt> v = lib.versions("greet");
            assertThat(v).extracting(PromptLibraryService.SavedPrompt::version).containsExactly(1, 2);
            assertThat(v.get(0).variables()).containsEntry("name", "Ada");
            List<String> diff = PromptLibraryService.diff(v.get(0), v.get(1)).stream().map(Object::toString).toList();
            assertThat(diff).contains("- Hello {{name}}", "+ Hi {{name}}!", "- temperature = 0.2",
                    "+ temperature = 0.7", "  Be brief.");
            assertThat(lib.names()).containsExactly("greet");
        }
    }

    @Test
    void generatedCodeReadsTheKeyFromTheEnvironmentAndNeverHoldsIt() {
        String json = "{\"model\":\"qwen3-235b-a22b\",\"messages\":[{\"role\":\"user\",\"content\":\"say \\\"hi\\\"\"}],"
                + "\"stream\":true,\"enable_thinking\":true}";
        String env = ProviderService.keyEnvVar("DashScope international");
        assertThat(env).isEqualTo("DASHSCOPE_INTERNATIONAL_API_KEY");
        String curl = CodeSnippets.curl("https://x/v1", json, env, Map.of("X-Trace", "1"));
        assertThat(curl).contains("Bearer $DASHSCOPE_INTERNATIONAL_API_KEY", "https://x/v1/chat/completions",
                "X-Trace: 1", "-N");
        String py = CodeSnippets.python("https://x/v1", json, env, Map.of());
        assertThat(py).contains("os.environ[\"DASHSCOPE_INTERNATIONAL_API_KEY\"]", "stream=True",
                "extra_body={", "\"enable_thinking\": True");
        String java = CodeSnippets.java("https://x/v1", json, env, Map.of());
        assertThat(java).contains("System.getenv(\"DASHSCOPE_INTERNATIONAL_API_KEY\")", "say \\\\\"hi\\\\\"");
    }

    @Test
    void codeForTheSimulatorStartsItsOwnAndUsesTheCommandLinesKeyVariable() {
        String json = "{\"model\":\"qwen3-235b-a22b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String env = ProviderService.keyEnvVar("simulator");
        assertThat(env).isEqualTo("WORKBENCH_API_KEY");
        assertThat(CodeSnippets.curl(null, json, env, Map.of())).contains("# the embedded simulator: start it with "
                + "llm-workbench sim --port 8089", "\"http://127.0.0.1:${WORKBENCH_SIM_PORT:-8089}/v1/chat/completions\"");
        assertThat(CodeSnippets.python(null, json, env, Map.of()))
                .contains("base_url=f\"http://127.0.0.1:{os.environ.get('WORKBENCH_SIM_PORT', '8089')}/v1\"");
        assertThat(CodeSnippets.java(null, json, env, Map.of()))
                .contains("System.getenv().getOrDefault(\"WORKBENCH_SIM_PORT\", \"8089\")");
    }

    @Test
    void jsonAnswersAreCheckedAgainstRequiredPropertiesAndTypes() {
        String schema = "{\"type\":\"object\",\"required\":[\"name\",\"age\"],"
                + "\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}}}";
        assertThat(JsonCheck.check("{\"name\":\"Ada\",\"age\":36}", schema).schemaValid()).isTrue();
        JsonCheck missing = JsonCheck.check("{\"name\":\"Ada\"}", schema);
        assertThat(missing.validJson()).isTrue();
        assertThat(missing.schemaValid()).isFalse();
        assertThat(missing.message()).contains("age");
        assertThat(JsonCheck.check("{\"name\":\"Ada\",\"age\":\"old\"}", schema).message()).contains("$.age");
        assertThat(JsonCheck.check("{\"name\": ", null).validJson()).isFalse();
        assertThat(JsonCheck.check("{} trailing", null).validJson()).isFalse();
        assertThat(JsonCheck.check("[1, 2]", null).message()).isEqualTo("valid JSON");
    }

    @Test
    void variablesAreFoundAndFilled() {
        assertThat(PromptTemplates.variables("Hi {{name}}, {{ topic }}", "{{name}} again {{x.y}}"))
                .containsExactly("name", "topic", "x.y");
        assertThat(PromptTemplates.fill("Hi {{name}} {{other}}", Map.of("name", "$Ada\\"))).isEqualTo("Hi $Ada\\ {{other}}");
        assertThat(PromptTemplates.spans("a {{b}}")).containsExactly(new PromptTemplates.Span(2, 7, "b"));
    }

    @Test
    void profilesKeepTheirKeyOutsideTheDatabaseAndTestConnectionListsModelsOrSaysWhy() throws Exception {
        try (Database db = Database.open(dir.resolve("w.db"));
             Simulator sim = Simulator.start(SimConfig.defaults());
             Simulator locked = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("key=sekrit-123")));
             ClientPool pool = ClientPool.create()) {
            ProviderProfile simProfile = ProviderProfile.of(ProviderPreset.SIMULATOR, sim.baseUrl());
            ProviderService ps = new ProviderService(new ProfileStore(db), new FileSecretStore(dir.resolve("secrets.json")),
                    null, simProfile, pool);
            assertThat(ps.defaultProfile()).isEqualTo(simProfile);
            assertThat(ps.anySaved()).isFalse();
            ProviderProfile saved = ps.save(ProviderProfile.of("Locked", locked.baseUrl()), "sekrit-123");
            assertThat(saved.keyRef()).isEqualTo("provider:Locked");
            assertThat(ps.defaultProfile().name()).isEqualTo("Locked");
            assertThat(ps.key(saved).orElseThrow().reveal()).isEqualTo("sekrit-123");
            assertThat(Files.readAllBytes(db.file())).asString().doesNotContain("sekrit-123");
            assertThat(ps.testConnection(saved, null).ok()).isTrue();
            assertThat(ps.testConnection(ps.save(ProviderProfile.of("Locked", locked.baseUrl()), ""), null).error())
                    .contains("Settings");
            assertThat(ps.testConnection(simProfile, null).models()).isNotEmpty();
            assertThatThrownBy(() -> ps.save(ProviderProfile.of(ProviderPreset.SIMULATOR, "http://x:1/v1"), null))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(ProviderPreset.find("HolySheep").orElseThrow().defaultModel()).isEqualTo("qwen3-235b");

            // the window reads the profiles on the FX thread: while another thread holds the database, they come
            // from memory, as saved here
            assertThat(HeldDatabase.readWhileHeld(db, ps::savedProfiles)).extracting(ProviderProfile::name)
                    .containsExactly("Locked");
            assertThat(HeldDatabase.readWhileHeld(db, ps::anySaved)).isTrue();
            assertThat(ps.delete("Locked")).isTrue();
            assertThat(ps.anySaved()).isFalse();
        }
    }

    @Test
    void errorsAreAdvisedInPlainWords() {
        assertThat(ErrorAdvice.of(ApiError.of(ApiError.Kind.AUTH, 401, "Incorrect API key")).action())
                .isEqualTo(ErrorAdvice.Action.OPEN_SETTINGS);
        ErrorAdvice thinking = ErrorAdvice.of(ApiError.of(ApiError.Kind.BAD_REQUEST, 400,
                "parameter.enable_thinking must be set to false for non-streaming calls"));
        assertThat(thinking.action()).isEqualTo(ErrorAdvice.Action.TURN_STREAMING_ON);
        assertThat(thinking.text()).contains("enable_thinking").contains("streaming on");
        assertThat(ErrorAdvice.of(ApiError.of(ApiError.Kind.RATE_LIMITED, 429, "slow down")).text()).contains("slow down");
    }
}
