package dev.llmworkbench.service.batch;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzing (issue 14): any bytes as a CSV, JSONL or OpenAI-batch file. The importer either refuses the whole
 * file with a {@link BatchInput.InputException} (one short line) or yields rows, each valid or invalid with a
 * reason of at most 200 characters and a 1-based line: nothing else escapes, however the bytes are broken.
 */
class InputFuzzTest {
    private static final String[] KINDS = {".csv", ".jsonl"};

    /** Bounded: the seeds with the tests, 15 s of fuzzing in .ci/run ({@code JAZZER_FUZZ=1}). */
    @FuzzTest(maxDuration = "15s")
    void anyBytesAreRowsOrOneRefusal(FuzzedDataProvider data) throws IOException {
        check(data);
    }

    /** The same, for half an hour, by hand: {@code mvn -Pfuzz test -Dtest=CLASS#soak}. */
    @FuzzTest(maxDuration = "30m")
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "fuzz.soak", matches = "true")
    void soak(FuzzedDataProvider data) throws IOException {
        check(data);
    }

    private static void check(FuzzedDataProvider data) throws IOException {
        String ext = KINDS[data.consumeInt(0, KINDS.length - 1)];
        byte[] bytes = data.consumeRemainingAsBytes();
        Path f = Files.createTempFile("fuzz", ext);
        try {
            Files.write(f, bytes);
            try (BatchInput.Rows rows = BatchInput.open(f, 4_096)) {
                while (rows.hasNext()) {
                    BatchInput.Row r = rows.next();
                    if (!r.valid() && (r.invalidReason().length() > 200 || r.invalidReason().isBlank())) {
                        throw new AssertionError("reason of " + r.invalidReason().length() + " characters on line "
                                + r.line());
                    }
                    if (r.line() != null && r.line() < 1) {
                        throw new AssertionError("line " + r.line());
                    }
                }
            } catch (BatchInput.InputException e) {
                if (e.getMessage() == null || e.getMessage().length() > 300 || e.getMessage().contains("\n")) {
                    throw new AssertionError("not one short line: " + e.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
