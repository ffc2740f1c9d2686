package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval}: a promptfoo configuration with 2 prompts, 2 openai:chat: providers on the simulator, 20 CSV rows. */
class EvalCommandTest {
    @RegisterExtension
    final TestSim sim = new TestSim();

    @TempDir
    Path dir;

    private Path config(String url, String contains) throws Exception {
        StringBuilder csv = new StringBuilder("question,__expected1,__expected2,__expected3,__expected4\n");
        for (int i = 1; i <= 20; i++) {
            csv.append("What is ").append(i).append(" plus ").append(i).append("?,regex: ^[A-Z],\"contains: ")
                    .append(contains).append("\",not-icontains: zebra,")
                    .append(i == 3 ? "javascript: output.length > 3" : "").append('\n');
        }
        Files.writeString(dir.resolve("tests.csv"), csv.toString());
        Path cfg = dir.resolve("promptfooconfig.yaml");
        Files.writeString(cfg, """
                prompts:
                  - raw: "Answer briefly: {{ question }}"
                    label: v1
                  - "You are careful. {{question}}"
                providers:
                  - id: openai:chat:qwen-turbo
                    config: {apiBaseUrl: "%s"}
                  - id: openai:chat:qwen-plus
                    label: plus-short
                    config: {apiBaseUrl: "%s", max_tokens: 5}
                tests: file://tests.csv
                """.formatted(url, url));
        return cfg;
    }

    @Test
    void aFailingCheckExitsOneAndEachCellIsALine() throws Exception {
        String url = sim.start("ttft-ms=0,tps=0");
        // the answers cut at 5 tokens end no sentence: "contains: ." fails on plus-short's two columns
        Path cfg = config(url, ".");
        Path out = dir.resolve("out.jsonl");
        CliRun.Result r = CliRun.of("eval", "--config", cfg.toString(), "--output", out.toString(), "--db",
                dir.resolve("wb.db").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("cells: 40 passed, 40 failed, 0 errors, 0 not run");
        assertThat(r.out()).contains("pass 20/20 (100.0%)", "pass 0/20 (0.0%)",
                "javascript (code checks are not run): once, at tests.csv row 4 __expected4");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(80);
        for (String l : lines) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            assertThat(o.keySet()).containsExactly("prompt", "prompt_label", "provider", "model", "vars", "response",
                    "checks", "pass", "cost_usd", "latency_ms", "error");
            boolean cut = o.get("provider").getAsString().equals("plus-short");
            assertThat(o.get("pass").getAsBoolean()).isEqualTo(!cut);
            assertThat(o.getAsJsonArray("checks")).hasSize(3);
            assertThat(o.getAsJsonArray("checks").get(2).getAsJsonObject().get("type").getAsString())
                    .isEqualTo("not-icontains");
        }
        // the total cost in the words the desktop uses for the same amount (Amounts.usd)
        java.math.BigDecimal total = lines.stream().map(l -> JsonParser.parseString(l).getAsJsonObject().get("cost_usd"))
                .map(j -> j.getAsBigDecimal()).reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
        assertThat(total).isPositive();
        assertThat(r.out()).contains("not run, cost " + dev.llmworkbench.domain.Amounts.usd(total) + "\n");
        JsonObject firstOfV2 = JsonParser.parseString(lines.get(40)).getAsJsonObject();
        assertThat(firstOfV2.get("prompt").getAsString()).isEqualTo("You are careful. What is 1 plus 1?");
        assertThat(firstOfV2.get("prompt_label").getAsString()).isEqualTo("You are careful. {{question}}");
    }

    @Test
    void everyCheckPassingExitsZeroAndJsonSaysTheColumns() throws Exception {
        String url = sim.start("ttft-ms=0,tps=0");
        Path cfg = config(url, " ").resolveSibling("promptfooconfig.yaml");
        // a check every answer passes: the first letter is a capital
        Files.writeString(dir.resolve("tests.csv"), Files.readString(dir.resolve("tests.csv"))
                .replace("\"contains:  \"", "\"regex: \\w\""));
        CliRun.Result r = CliRun.of("eval", "--config", cfg.toString(), "--output", dir.resolve("o.html").toString(),
                "--json", "--db", dir.resolve("wb.db").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        JsonObject o = r.json();
        assertThat(o.getAsJsonArray("columns")).hasSize(4);
        assertThat(o.getAsJsonObject("totals").get("pass_rate").getAsDouble()).isEqualTo(1.0);
        assertThat(o.getAsJsonArray("unsupported").get(0).getAsJsonObject().get("what").getAsString())
                .isEqualTo("javascript");
        assertThat(Files.readString(dir.resolve("o.html"))).contains("<table>", "20/20 (100.0%)");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        String db = dir.resolve("wb.db").toString();
        CliRun.Result missing = CliRun.of("eval", "--config", dir.resolve("nope.yaml").toString(), "--output",
                dir.resolve("o.jsonl").toString(), "--db", db);
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err().strip()).startsWith("error: --config: no file").doesNotContain("\n");

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "prompts: [a\n  b: c\n");
        CliRun.Result yaml = CliRun.of("eval", "--config", broken.toString(), "--output",
                dir.resolve("o.jsonl").toString(), "--db", db);
        assertThat(yaml.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(yaml.err().strip()).startsWith("error: cannot read broken.yaml as YAML").doesNotContain("\n");

        Path unknown = dir.resolve("unknown.yaml");
        Files.writeString(unknown, "prompts: [hi]\nproviders: [bedrock:claude]\ntests: [{vars: {a: b}}]\n");
        CliRun.Result provider = CliRun.of("eval", "--config", unknown.toString(), "--output",
                dir.resolve("o.jsonl").toString(), "--db", db);
        assertThat(provider.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(provider.err().strip()).isEqualTo("error: unknown.yaml: unknown provider id 'bedrock:claude' at "
                + "providers[0] (expected openai:chat:MODEL, an OpenAI-compatible chat API)");
        assertThat(Files.exists(dir.resolve("o.jsonl"))).isFalse();

        CliRun.Result noOutput = CliRun.of("eval", "--config", unknown.toString());
        assertThat(noOutput.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noOutput.err().strip()).isEqualTo("error: --output FILE is required");
    }
}
