package dev.llmworkbench.service.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptfooImportTest {
    @TempDir
    Path dir;

    private PromptfooImport.Imported read(String yaml, Map<String, String> env) throws Exception {
        Path cfg = dir.resolve("promptfooconfig.yaml");
        Files.writeString(cfg, yaml);
        return PromptfooImport.read(cfg, env::get);
    }

    @Test
    void csvExpectedColumnsAreReadAsPromptfooReadsThem() throws Exception {
        Files.writeString(dir.resolve("tests.csv"), """
                question,__expected,__expected2,__expected3,__description
                q1,"contains: Paris",regex: ^\\d+$,not-icontains: x,first
                q2,Paris,is-json,"javascript: output.length > 3",
                q3,"icontains-any: a, b ",starts-with:  Hi ,,
                """);
        EvalPlan plan = read("""
                prompts: ["Q: {{ question }}"]
                providers: [openai:chat:m]
                tests: file://tests.csv
                """, Map.of()).plan();
        assertThat(plan.cases()).hasSize(3);
        assertThat(plan.cases().get(0).vars()).containsExactly(Map.entry("question", "q1"));
        assertThat(plan.cases().get(0).description()).isEqualTo("first");
        assertThat(plan.cases().get(0).checks()).containsExactly(new EvalPlan.Check("contains", "Paris"),
                new EvalPlan.Check("regex", "^\\d+$"), new EvalPlan.Check("not-icontains", "x"));
        // a plain value means equals; is-json takes no value; javascript is listed, not run
        assertThat(plan.cases().get(1).checks()).containsExactly(new EvalPlan.Check("equals", "Paris"),
                new EvalPlan.Check("is-json", null));
        assertThat(plan.cases().get(2).checks()).containsExactly(new EvalPlan.Check("icontains-any", "a, b"),
                new EvalPlan.Check("starts-with", "Hi"));
        assertThat(plan.unsupported()).singleElement().satisfies(u -> {
            assertThat(u.what()).isEqualTo("javascript");
            assertThat(u.where()).containsExactly("tests.csv row 3 __expected3");
        });
    }

    @Test
    void providersPromptsEnvAndDefaultTest() throws Exception {
        Files.writeString(dir.resolve("p.txt"), "first {{x}}\n---\nsecond {{x}}\n");
        PromptfooImport.Imported imp = read("""
                description: "suite for {{ env.TEAM }}"
                env:
                  TEAM: research
                prompts:
                  - file://p.txt
                  - raw: "third {{ x }}"
                    label: v3
                providers:
                  - id: openai:chat:qwen-turbo
                    label: turbo
                    config:
                      apiBaseUrl: "{{ env.BASE }}"
                      apiKey: "{{ env.MY_KEY }}"
                      temperature: 0.5
                      max_tokens: 64
                      top_p: 0.9
                  - id: openai:qwen-plus
                    config: {apiBaseUrl: "http://127.0.0.1:9/v1", apiKey: sk-literal}
                defaultTest:
                  vars: {x: dflt}
                  assert:
                    - type: not-contains
                      value: "{{x}}!"
                tests:
                  - vars: {x: one}
                    assert:
                      - type: equals
                        value: "one"
                      - type: similar
                        value: one
                  - description: uses the default x
                """, Map.of("BASE", "http://127.0.0.1:8089/v1", "MY_KEY", "sk-from-env"));
        EvalPlan plan = imp.plan();
        assertThat(plan.title()).isEqualTo("suite for research");
        assertThat(plan.prompts()).extracting(EvalPlan.Prompt::label).containsExactly("p.txt #1", "p.txt #2", "v3");
        assertThat(plan.prompts().get(1).raw()).isEqualTo("second {{x}}");
        EvalPlan.Provider turbo = plan.providers().get(0);
        assertThat(turbo).isEqualTo(new EvalPlan.Provider("openai:chat:qwen-turbo", "turbo", "qwen-turbo",
                "http://127.0.0.1:8089/v1", "MY_KEY", 0.5, 64));
        // a key written in the file is kept in memory, never in the plan (stored as JSON)
        assertThat(plan.providers().get(1).apiKeyEnv()).isNull();
        assertThat(imp.literalKeys().get(plan.providers().get(1)).reveal()).isEqualTo("sk-literal");
        assertThat(plan.toJson()).doesNotContain("sk-literal").doesNotContain("sk-from-env");
        assertThat(plan.columnCount()).isEqualTo(6);
        assertThat(plan.cases().get(0).checks()).containsExactly(new EvalPlan.Check("not-contains", "one!"),
                new EvalPlan.Check("equals", "one"));
        assertThat(plan.cases().get(1).vars()).containsEntry("x", "dflt");
        assertThat(plan.cases().get(1).checks()).containsExactly(new EvalPlan.Check("not-contains", "dflt!"));
        assertThat(plan.unsupported()).extracting(EvalPlan.Unsupported::what)
                .containsExactlyInAnyOrder("provider setting 'top_p'", "similar");
    }

    @Test
    void messagesFillTheTemplateWithSpacesInBraces() {
        EvalPlan.Case c = new EvalPlan.Case(null, Map.of("q", "2+2"), "P:", ":S", List.of());
        assertThat(EvalService.messages(new EvalPlan.Prompt(null, "Ask {{ q }} and {{q}}"), c))
                .singleElement().satisfies(m -> assertThat(m.content()).isEqualTo("P:Ask 2+2 and 2+2:S"));
        assertThat(EvalService.messages(new EvalPlan.Prompt(null,
                "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"{{q}}?\"}]"), c))
                .extracting(dev.llmworkbench.domain.Message::content).containsExactly("be brief", "P:2+2?:S");
    }

    @Test
    void badConfigurationsSayWhatIsWrongInOneLine() throws Exception {
        assertThatThrownBy(() -> read("prompts: [a\n  b: c", Map.of())).isInstanceOf(EvalConfigException.class)
                .hasMessageStartingWith("cannot read promptfooconfig.yaml as YAML");
        assertThatThrownBy(() -> read("prompts: [a]\nproviders: [anthropic:messages:claude]\ntests: [{vars: {}}]",
                Map.of())).hasMessageContaining("unknown provider id 'anthropic:messages:claude'");
        assertThatThrownBy(() -> read("prompts: [a]\nproviders: [openai:chat:m]\ntests: file://missing.csv",
                Map.of())).hasMessageContaining("no file");
        assertThatThrownBy(() -> read("prompts: [a]\nproviders: [openai:chat:m]", Map.of()))
                .hasMessageContaining("'tests' is missing");
        assertThatThrownBy(() -> read("""
                prompts: [a]
                providers: [openai:chat:m]
                tests: [{assert: [{type: llm-similar, value: x}]}]""", Map.of()))
                .hasMessageContaining("need a judge model");
        assertThatThrownBy(() -> read("!!java.io.File [/etc/passwd]", Map.of()))
                .isInstanceOf(EvalConfigException.class);
    }
}
