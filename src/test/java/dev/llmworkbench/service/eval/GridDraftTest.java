package dev.llmworkbench.service.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridDraftTest {
    @TempDir
    Path dir;

    private static final ProviderProfile CLOUD = ProviderProfile.of("Cloud", "https://api.example.com/v1");
    private static final ApiKey KEY = ApiKey.of("sk-cloud-secret");

    private static Optional<ApiKey> keys(ProviderProfile p) {
        return p.name().equals("Cloud") ? Optional.of(KEY) : Optional.empty();
    }

    @Test
    void aGridOfChoicesHasAColumnPerVersionAndTargetAndItsKeysOnlyInMemory() throws Exception {
        Path tests = Files.writeString(dir.resolve("t.jsonl"), """
                {"vars": {"q": "one"}, "assert": [{"type": "icontains", "value": "{{q}}"}]}
                {"vars": {"q": "two"}, "assert": [{"type": "javascript", "value": "true"}]}
                """);
        PromptfooImport.Tests t = PromptfooImport.readTests(tests, n -> null);
        assertThat(t.cases()).hasSize(2);
        assertThat(t.cases().get(0).checks()).containsExactly(new EvalPlan.Check("icontains", "one"));
        assertThat(t.unsupported()).extracting(EvalPlan.Unsupported::what).containsExactly("javascript");

        SavedPrompt v1 = new SavedPrompt("p", 1, "", "Say {{q}}", Map.of(), Map.of(), Instant.EPOCH);
        SavedPrompt v2 = new SavedPrompt("p", 2, "Be brief.", "Say {{q}}", Map.of(), Map.of(), Instant.EPOCH);
        GridDraft.Target a = new GridDraft.Target(CLOUD, "m1", 0.2, null);
        GridDraft.Target b = new GridDraft.Target(ProviderProfile.of("Local", "http://127.0.0.1:9/v1"), "m2", null, 5);
        PromptfooImport.Imported imp = GridDraft.build("t", t, List.of(GridDraft.prompt(v1), GridDraft.prompt(v2)),
                List.of(a, b), null, GridDraftTest::keys);
        EvalPlan plan = imp.plan();
        assertThat(plan.columnCount()).isEqualTo(4);
        assertThat(plan.promptOf(0).label()).isEqualTo("p v1");
        assertThat(plan.promptOf(0).raw()).isEqualTo("Say {{q}}");
        assertThat(EvalService.messages(plan.promptOf(2), plan.cases().get(0))).extracting(m -> m.content())
                .containsExactly("Be brief.", "Say one");
        assertThat(plan.unsupported()).hasSize(1);
        assertThat(imp.literalKeys()).containsExactly(Map.entry(a.provider(), KEY));
        assertThat(plan.toJson()).doesNotContain("sk-cloud-secret");
    }

    @Test
    void aStoredPlansKeysGoOnlyToTheirOwnProfilesServer() {
        EvalPlan.Provider same = new GridDraft.Target(CLOUD, "m1", null, null).provider();
        EvalPlan.Provider elsewhere = new EvalPlan.Provider("openai:chat:m1", "Cloud", "m1", "https://evil.example/v1",
                null, null, null);
        EvalPlan.Provider configured = new EvalPlan.Provider("openai:chat:m1", "Cloud", "m1",
                "https://api.example.com/v1/", "OPENAI_API_KEY", null, null);
        EvalPlan plan = new EvalPlan(null, List.of(new EvalPlan.Prompt("x", "x")), List.of(same, elsewhere, configured),
                List.of(new EvalPlan.Case(null, Map.of(), null, null, List.of())), null, null, null, null);
        assertThat(GridDraft.keysFor(plan, List.of(CLOUD), GridDraftTest::keys))
                .containsExactly(Map.entry(same, KEY));
    }

    @Test
    void missingChoicesAreSaid() throws Exception {
        Path tests = Files.writeString(dir.resolve("j.csv"), "q,__expected\nhi,llm-similar: hello\n");
        PromptfooImport.Tests t = PromptfooImport.readTests(tests, n -> null);
        EvalPlan.Prompt p = new EvalPlan.Prompt("x", "{{q}}");
        GridDraft.Target a = new GridDraft.Target(CLOUD, "m1", null, null);
        assertThatThrownBy(() -> GridDraft.build("t", t, List.of(), List.of(a), null, GridDraftTest::keys))
                .hasMessage("choose at least one prompt version");
        assertThatThrownBy(() -> GridDraft.build("t", t, List.of(p), List.of(), null, GridDraftTest::keys))
                .hasMessage("add at least one model");
        assertThatThrownBy(() -> GridDraft.build("t", t, List.of(p), List.of(a), null, GridDraftTest::keys))
                .hasMessageContaining("choose a judge model");
        assertThat(GridDraft.build("t", t, List.of(p), List.of(a), a, GridDraftTest::keys).plan().judge().model())
                .isEqualTo("m1");
        assertThatThrownBy(() -> new GridDraft.Target(CLOUD, " ", null, null)).hasMessage("choose a model for Cloud");
    }
}
