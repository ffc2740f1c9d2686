package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer holds one row at a time: a child JVM with a 256 MB heap runs {@code batch} over a 50 MB CSV
 * whose middle line is 10 MB (over the default 6 MB limit: that row invalid, its id kept) and ten rows of
 * 4 MB each, which all run.
 */
class LargeInputMemoryTest {
    private static final int ROW_BYTES = 4 * 1024 * 1024;
    private static final int HUGE_BYTES = 10 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aFiftyMegabyteFileWithATenMegabyteLineImportsInA256MegabyteHeap() throws Exception {
        Path in = dir.resolve("big.csv");
        writeInput(in);
        assertThat(Files.size(in)).isGreaterThan(50L * 1000 * 1000);
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("child.err");
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0"))
                // a model with a context window for 4 MB prompts, served as the command line's simulator serves it
                .withMoreModels(List.of("gpt-4.1")))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-Xmx256m", "-Dllmworkbench.data.dir=" + dir.resolve("data"),
                    "-cp", System.getProperty("java.class.path"), "dev.llmworkbench.Main", "batch",
                    "--input", in.toString(), "--output", out.toString(), "--base-url", sim.baseUrl(),
                    "--model", "gpt-4.1", "--max-tokens", "8", "--concurrency", "4", "--rpm", "1000000", "--tpm",
                    "1000000000", "--db", dir.resolve("wb.db").toString())
                    .redirectError(err.toFile()).redirectOutput(dir.resolve("child.out").toFile()).start();
            try {
                assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the batch ends").isTrue();
            } finally {
                child.destroyForcibly();
            }
            String stderr = Files.readString(err);
            assertThat(stderr).doesNotContain("OutOfMemoryError").doesNotContain("Exception");
            assertThat(child.exitValue()).as(stderr).isEqualTo(1);
            assertThat(stderr).contains("invalid row: line 7: the line is " + (HUGE_BYTES + 12) + " bytes long, over "
                    + "the limit of 6291456 bytes (--max-line-bytes)")
                    .contains("rows: 10 done, 0 failed, 0 not run, 1 invalid");
        }
        Map<String, JsonObject> rows;
        try (var lines = Files.lines(out)) {
            rows = lines.map(l -> JsonParser.parseString(l).getAsJsonObject())
                    .collect(Collectors.toMap(o -> o.get("request_id").getAsString(), Function.identity()));
        }
        assertThat(rows).hasSize(11);
        assertThat(rows.get("huge").get("status").getAsString()).isEqualTo("invalid");
        assertThat(rows.values()).filteredOn(o -> o.get("status").getAsString().equals("done")).hasSize(10);
    }

    /** A header, five 4 MB rows, one 10 MB row (line 7), five more 4 MB rows: written in pieces. */
    private static void writeInput(Path in) throws Exception {
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
        String piece = words.repeat(64 * 1024 / words.length() + 1).substring(0, 64 * 1024);
        try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8)) {
            w.write("request_id,prompt\n");
            for (String id : List.of("r0", "r1", "r2", "r3", "r4", "huge", "r5", "r6", "r7", "r8", "r9")) {
                w.write(id + ",\"" + id + " ");
                int size = id.equals("huge") ? HUGE_BYTES : ROW_BYTES;
                for (int i = 0; i < size / piece.length(); i++) {
                    w.write(piece);
                }
                w.write("\"\n");
            }
        }
    }
}
