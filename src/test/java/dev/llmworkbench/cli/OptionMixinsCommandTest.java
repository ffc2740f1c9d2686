package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Priority;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The shared option blocks (mixins) and converters: same flags and words in every command, one rule each. */
class OptionMixinsCommandTest {
    @TempDir
    Path dir;

    /** The description of each option of {@code command}, as {@code --help} shows it. */
    private static Map<String, String> descriptions(String command) {
        CommandLine cl = Cli.newCommandLine().getSubcommands().get(command);
        Map<String, String> m = new TreeMap<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            m.put(o.longestName(), String.join(" ", o.description()));
        }
        return m;
    }

    @Test
    void eachCommandKeepsItsOwnWordingOfTheSharedOptions() {
        Map<String, String> chat = descriptions("chat");
        assertThat(chat).containsEntry("--base-url",
                        "OpenAI-compatible base URL (e.g. http://localhost:8000/v1); default: the embedded simulator")
                .containsEntry("--api-key-env", "environment variable holding the API key (default: WORKBENCH_API_KEY)")
                .containsEntry("--profile", "a saved provider profile (base URL, headers, body, key)")
                .containsEntry("--db", "the database the chat is recorded in (default: in the user's data folder)")
                .containsEntry("--json", "print one JSON object when done instead of streaming text");
        Map<String, String> bench = descriptions("bench");
        assertThat(bench).containsEntry("--base-url", "OpenAI-compatible base URL; default: the embedded simulator")
                .containsEntry("--api-key-env", "environment variable holding the API key")
                .containsEntry("--profile", "a saved provider profile")
                .containsEntry("--db", "the database the run is recorded in")
                .containsEntry("--json", "print JSON");
        Map<String, String> batch = descriptions("batch");
        assertThat(batch).containsEntry("--base-url", "OpenAI-compatible base URL; default: the embedded simulator")
                .containsEntry("--api-key-env", "environment variable holding the API key")
                .containsEntry("--profile", "a saved provider profile (base URL, headers, body, key)")
                .containsEntry("--db", "the database (default: in the user's data folder)")
                .containsEntry("--json", "with --remote-status: print JSON");
        assertThat(descriptions("history")).containsEntry("--db", "the database (default: in the user's data folder)")
                .containsEntry("--json", "print JSON");
        for (String c : List.of("price", "estimate")) {
            assertThat(descriptions(c)).as(c).containsEntry("--currency", "currency of the text output (default: USD)")
                    .containsEntry("--json", "print JSON");
        }
        for (String c : List.of("route", "compress")) {
            assertThat(descriptions(c)).as(c).containsEntry("--json", "print JSON");
        }
        assertThat(descriptions("sim")).doesNotContainKeys("--json", "--db", "--base-url", "--currency");
    }

    @Test
    void theConvertersAreRegisteredOnEveryCommand() {
        CommandLine cl = Cli.newCommandLine();
        CommandLine.ParseResult price = cl.parseArgs("price", "--model", "m", "--input-tokens", "1",
                "--output-tokens", "1", "--currency", " cny ");
        assertThat(price.subcommand().matchedOptionValue("--currency", (Currency) null)).isEqualTo(Currency.CNY);
        CommandLine.ParseResult batch = Cli.newCommandLine().parseArgs("batch", "--priority", "Critical",
                "--budget-usd", " 2.50 ");
        assertThat(batch.subcommand().matchedOptionValue("--priority", (Priority) null)).isEqualTo(Priority.CRITICAL);
        assertThat(batch.subcommand().matchedOptionValue("--budget-usd", (BigDecimal) null))
                .isEqualByComparingTo("2.5");
    }

    private static void oneUsageLine(CliRun.Result r, String expected) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().strip().lines().toList();
        assertThat(lines).as(r.err()).containsExactly("error: " + expected);
    }

    @Test
    void aRefusedValueIsOnePlainLineNamingTheOption() {
        oneUsageLine(CliRun.of("price", "--model", "qwen-max", "--input-tokens", "1", "--output-tokens", "1",
                "--currency", "EUR"), "--currency: unknown currency 'EUR' (expected USD or CNY)");
        oneUsageLine(CliRun.of("estimate", "--prompt", "hi", "--currency", "EUR"),
                "--currency: unknown currency 'EUR' (expected USD or CNY)");
        String db = dir.resolve("wb.db").toString();
        oneUsageLine(CliRun.run("batch", "--input", "in.csv", "--output", "o.jsonl", "--priority", "urgent",
                "--db", db), "--priority: unknown priority 'urgent' (expected critical, normal, batch or filler)");
        oneUsageLine(CliRun.run("batch", "--input", "in.csv", "--output", "o.jsonl", "--budget-usd", "abc",
                "--db", db), "--budget-usd: 'abc' is not a number");
        assertThat(Files.exists(dir.resolve("wb.db"))).as("refused while parsing: nothing opened").isFalse();
    }

    @Test
    void theBaseUrlIsCheckedTheSameWayByEveryCommand() {
        String expected = "--base-url: the base URL must start with http:// or https://, was 'ftp://x'";
        oneUsageLine(CliRun.of("chat", "--base-url", "ftp://x", "hi"), expected);
        oneUsageLine(CliRun.of("bench", "--base-url", "ftp://x", "--requests", "1"), expected);
        oneUsageLine(CliRun.run("batch", "--input", "in.csv", "--output", "o.jsonl", "--base-url", "ftp://x",
                "--db", dir.resolve("wb.db").toString()), expected);
    }

    @Test
    void aNamedKeyVariableThatIsNotSetIsWrongUsageEverywhere() {
        String var = "WORKBENCH_TEST_NO_SUCH_VARIABLE_7f3a";
        assertThat(System.getenv(var)).isNull();
        String expected = "missing key: the environment variable " + var + " is not set";
        oneUsageLine(CliRun.of("chat", "--base-url", "http://127.0.0.1:9/v1", "--api-key-env", var,
                "--db", dir.resolve("c.db").toString(), "hi"), expected);
        oneUsageLine(CliRun.of("bench", "--base-url", "http://127.0.0.1:9/v1", "--api-key-env", var,
                "--requests", "1", "--db", dir.resolve("b.db").toString()), expected);
    }
}
