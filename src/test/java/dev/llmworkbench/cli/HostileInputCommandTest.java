package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile input files of issue 14 through the command line ({@code batch}, {@code batch --dry-run},
 * {@code estimate}): a bad row is named on stderr with its line and reason and is invalid in the export with
 * its id; every other row runs; the exit code follows the one rule (0 all done, 1 any row invalid, 2 nothing
 * usable), always with plain one-line messages.
 */
class HostileInputCommandTest {
    private static final String MODEL = "qwen3-235b-a22b";

    @TempDir
    Path dir;

    @RegisterExtension
    final TestSim sims = new TestSim();

    private Path file(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path file(String name, String text) throws Exception {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private String db() {
        return dir.resolve("wb.db").toString();
    }

    private CliRun.Result batch(Path in, Path out) throws Exception {
        String url = sims.start("tps=0,ttft-ms=0");
        return CliRun.run("batch", "--input", in.toString(), "--output", out.toString(), "--base-url", url, "--model",
                MODEL, "--max-tokens", "5", "--db", db());
    }

    /** The export's lines by request_id. */
    private static Map<String, JsonObject> export(Path out) throws Exception {
        return Files.readAllLines(out).stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .collect(Collectors.toMap(o -> o.get("request_id").getAsString(), Function.identity()));
    }

    /** Every line on stderr is plain: no exception name, no stack trace. */
    private static void plain(CliRun.Result r) {
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("JsonNull");
    }

    @Test
    void aNonUtf8ByteMakesThatRowInvalidWithItsLineAndIdAndTheOthersRun() throws Exception {
        Path in = file("in.csv", HostileBytes.of("request_id,prompt\na,one\nb,caf\\xE9 au lait\nc,three\n"));
        Path out = dir.resolve("out.jsonl");
        CliRun.Result r = batch(in, out);
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        plain(r);
        assertThat(r.err()).contains("invalid row: line 3: not valid UTF-8 (byte 0xE9 at byte 6 of the line)")
                .contains("rows: 2 done, 0 failed, 0 not run, 1 invalid");
        Map<String, JsonObject> rows = export(out);
        assertThat(rows.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(rows.get("b").get("status").getAsString()).isEqualTo("invalid");
        assertThat(rows.get("b").get("line").getAsInt()).isEqualTo(3);
        assertThat(rows.get("a").get("status").getAsString()).isEqualTo("done");
        assertThat(rows.get("c").get("status").getAsString()).isEqualTo("done");

        Path j = file("in.jsonl", HostileBytes.of("{\"prompt\":\"one\"}\n{\"prompt\":\"caf\\xE9\"}\n"));
        CliRun.Result e = CliRun.run("estimate", "--input", j.toString(), "--models", MODEL);
        assertThat(e.code()).as(e.err()).isEqualTo(1);
        assertThat(e.err()).contains("invalid row: line 2: not valid UTF-8").contains("rows: 1 estimated, 1 invalid");
    }

    @Test
    void aByteOrderMarkIsSkippedWithThePromptColumnFirstOrTheIdColumnFirst() throws Exception {
        Path promptFirst = file("p.csv", HostileBytes.of("\\xEF\\xBB\\xBFprompt,request_id\nhello,q1\n"));
        CliRun.Result r = batch(promptFirst, dir.resolve("p.jsonl"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(export(dir.resolve("p.jsonl")).keySet()).containsExactly("q1");

        sims.afterEach(null);
        Path idFirst = file("i.csv", HostileBytes.of("\\xEF\\xBB\\xBFrequest_id,prompt\nq1,hello\nq2,again\n"));
        CliRun.Result s = batch(idFirst, dir.resolve("i.jsonl"));
        assertThat(s.code()).as(s.err()).isZero();
        // the ids are the file's, not generated ones
        assertThat(export(dir.resolve("i.jsonl")).keySet()).containsExactlyInAnyOrder("q1", "q2");
    }

    @Test
    void openAiBatchLinesWithWrongTypesAreInvalidRowsAndTheGoodLineRuns() throws Exception {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        Path in = file("openai.jsonl", String.join("\n",
                "{\"custom_id\":\"m\",\"method\":null,\"url\":\"/v1/chat/completions\",\"body\":{" + msgs + "}}",
                "{\"custom_id\":\"u\",\"method\":\"POST\",\"url\":{},\"body\":{" + msgs + "}}",
                "{\"custom_id\":\"mo\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":{},"
                        + msgs + "}}",
                "{\"custom_id\":\"ok\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{" + msgs + "}}")
                + "\n");
        Path out = dir.resolve("out.jsonl");
        CliRun.Result r = batch(in, out);
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        plain(r);
        assertThat(r.err()).contains("invalid row: line 1: method must be a string, was null")
                .contains("invalid row: line 2: url must be a string, was an object")
                .contains("invalid row: line 3: body.model must be a string, was an object")
                .contains("rows: 1 done, 0 failed, 0 not run, 3 invalid");
        Map<String, JsonObject> rows = export(out);
        assertThat(rows.keySet()).containsExactlyInAnyOrder("m", "u", "mo", "ok");
        assertThat(rows.get("ok").get("status").getAsString()).isEqualTo("done");
        assertThat(rows.get("mo").get("error").getAsString()).contains("body.model");
    }

    @Test
    void aTenMegabyteLineIsOneInvalidRowAndTheLimitCanBeSet() throws Exception {
        StringBuilder sb = new StringBuilder("request_id,prompt\nsmall,hello\nhuge,");
        sb.append("lorem ipsum ".repeat(10 * 1024 * 1024 / 12 + 1)).append("\nlast,bye\n");
        Path in = file("big.csv", sb.toString());
        sb.setLength(0);
        CliRun.Result r = CliRun.run("estimate", "--input", in.toString(), "--models", MODEL);
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        plain(r);
        assertThat(r.err()).containsPattern("invalid row: line 3: the line is 1048\\d{4} bytes long, over the limit "
                + "of 6291456 bytes \\(--max-line-bytes\\)").contains("rows: 2 estimated, 1 invalid");
        assertThat(r.out()).contains("2 request(s) a day");

        CliRun.Result dry = CliRun.run("batch", "--input", in.toString(), "--dry-run", "--model", MODEL,
                "--max-line-bytes", "20", "--db", db());
        assertThat(dry.code()).as(dry.err()).isEqualTo(1);
        assertThat(dry.err()).contains("invalid row: line 3: the line is").contains("over the limit of 20 bytes")
                .contains("rows: 2 estimated, 1 invalid");

        CliRun.Result zero = CliRun.run("estimate", "--input", in.toString(), "--max-line-bytes", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err().strip()).isEqualTo("error: --max-line-bytes must be at least 1, was 0");
    }

    @Test
    void aBinaryFileAsCsvIsOneShortLineAndExitTwo() throws Exception {
        byte[] garbage = new byte[50_000];
        new Random(14).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == '\n' || garbage[i] == '\r' || garbage[i] == 0) {
                garbage[i] = (byte) 0x9C;
            }
        }
        garbage[0] = (byte) 0x89;
        Path in = file("photo.csv", garbage);
        for (List<String> args : List.of(
                List.of("batch", "--input", in.toString(), "--output", dir.resolve("o.jsonl").toString(), "--db", db()),
                List.of("batch", "--input", in.toString(), "--dry-run", "--db", db()),
                List.of("estimate", "--input", in.toString()))) {
            CliRun.Result r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            List<String> lines = r.err().strip().lines().toList();
            assertThat(lines).singleElement().satisfies(l -> assertThat(l)
                    .isEqualTo("error: the CSV header of " + in + " (line 1) is not valid UTF-8 (byte 0x89 at byte 1 "
                            + "of the line): is it a UTF-8 CSV file?"));
        }
        assertThat(dir.resolve("o.jsonl")).doesNotExist();
    }

    @Test
    void estimateWithInvalidRowsExitsOneAndNamesThem() throws Exception {
        Path in = file("rows.jsonl", "{\"prompt\":\"hello\"}\n{\"prompt\":{}}\n{\"prompt\":\"again\",\"model\":7}\n");
        CliRun.Result r = CliRun.run("estimate", "--input", in.toString(), "--models", MODEL);
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("invalid row: line 2: prompt must be a string, was an object")
                .contains("invalid row: line 3: model must be a string, was a number")
                .contains("rows: 1 estimated, 2 invalid");
        assertThat(r.out()).contains("1 request(s) a day");
    }

    @Test
    void anEmptyInputIsWrongUsageForBothCommandsAndLeavesNoRunBehind() throws Exception {
        for (Path in : List.of(file("bom-only.csv", HostileBytes.of("\\xEF\\xBB\\xBF")), file("empty.jsonl", ""),
                file("header.csv", "\uFEFFprompt,topic\r\n\r\n"))) {
            CliRun.Result b = CliRun.run("batch", "--input", in.toString(), "--output",
                    dir.resolve("out.jsonl").toString(), "--db", db());
            CliRun.Result e = CliRun.run("estimate", "--input", in.toString());
            for (CliRun.Result r : List.of(b, e)) {
                assertThat(r.code()).as(r.err()).isEqualTo(2);
                assertThat(r.err().strip()).startsWith("error: the input file " + in)
                        .containsAnyOf("is empty: no rows", "has no rows, only a header").doesNotContain("\n");
            }
        }
        CliRun.Result h = CliRun.run("history", "list", "--json", "--db", db());
        assertThat(h.code()).as(h.err()).isZero();
        assertThat(h.json().getAsJsonArray("runs")).isEmpty();
    }

    @Test
    void aThousandInvalidRowsAreNamedThenCountedNotAllPrinted() throws Exception {
        StringBuilder sb = new StringBuilder("prompt,max_tokens\nhello,5\n");
        for (int i = 0; i < 1005; i++) {
            sb.append("bad,x").append(i).append('\n');
        }
        Path in = file("many.csv", sb.toString());
        Path out = dir.resolve("out.jsonl");
        CliRun.Result r = batch(in, out);
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.startsWith("invalid row: line ")).count()).isEqualTo(1000);
        assertThat(r.err()).contains("invalid rows: 5 more, each with its reason in " + out)
                .contains("rows: 1 done, 0 failed, 0 not run, 1005 invalid");
        assertThat(Files.readAllLines(out)).hasSize(1006);
    }

    /** Bytes from text with {@code \xHH} escapes. */
    static final class HostileBytes {
        private HostileBytes() {
        }

        static byte[] of(String text) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < text.length(); i++) {
                if (text.startsWith("\\x", i)) {
                    out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                    i += 3;
                } else {
                    out.writeBytes(String.valueOf(text.charAt(i)).getBytes(StandardCharsets.UTF_8));
                }
            }
            return out.toByteArray();
        }
    }
}
