package dev.llmworkbench.service.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input files nobody meant to write: bad bytes, byte order marks, lines over the limit, JSON values of the
 * wrong type, binary files. Each makes its own row invalid (line, reason of at most 200 characters, its id
 * when it can be read) and leaves every other row; what cannot be input at all is one short line.
 */
class HostileInputTest {
    private static final long LIMIT = BatchInput.DEFAULT_MAX_LINE_BYTES;

    @TempDir
    Path dir;

    private static BatchInput.Parsed csv(byte[] bytes, long limit) {
        return BatchInput.parse(BatchInput.Kind.CSV, new ByteArrayInputStream(bytes), limit);
    }

    private static BatchInput.Parsed jsonl(byte[] bytes, long limit) {
        return BatchInput.parse(BatchInput.Kind.JSONL, new ByteArrayInputStream(bytes), limit);
    }

    /** Text with {@code \xHH} escapes turned into those raw bytes (the rest as UTF-8). */
    static byte[] bytes(String text) {
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

    private static void invalid(BatchInput.Row r, int line, String id, String reason) {
        assertThat(r.valid()).as("row of line %d", line).isFalse();
        assertThat(r.line()).isEqualTo(line);
        if (id != null) {
            assertThat(r.requestId()).isEqualTo(id);
        } else {
            assertThat(r.requestId()).startsWith("row-");
        }
        assertThat(r.invalidReason()).contains(reason).hasSizeLessThanOrEqualTo(200).doesNotContain("\n");
    }

    @Test
    void aBadByteMakesOnlyItsRowInvalidNamedByItsLineWithItsIdKept() {
        BatchInput.Parsed c = csv(bytes("request_id,prompt\na,one\nb,caf\\xE9 au lait\nc,three\n"), LIMIT);
        assertThat(c.rows()).extracting(BatchInput.Row::line).containsExactly(2, 3, 4);
        assertThat(c.validRows()).extracting(BatchInput.Row::requestId).containsExactly("a", "c");
        invalid(c.rows().get(1), 3, "b", "not valid UTF-8 (byte 0xE9 at byte 6 of the line)");

        BatchInput.Parsed j = jsonl(bytes("{\"request_id\":\"a\",\"prompt\":\"one\"}\n"
                + "{\"request_id\":\"b\",\"prompt\":\"caf\\xE9\"}\n{\"custom_id\":\"c\",\"body\":{\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"\\xC3\"}]}}\n{\"prompt\":\"three\"}\n"), LIMIT);
        assertThat(j.rows()).extracting(BatchInput.Row::line).containsExactly(1, 2, 3, 4);
        invalid(j.rows().get(1), 2, "b", "not valid UTF-8 (byte 0xE9");
        invalid(j.rows().get(2), 3, "c", "not valid UTF-8");
        assertThat(j.validRows()).hasSize(2);
    }

    @Test
    void aCsvRecordOverSeveralLinesIsNamedByItsFirstLineAndTheLinesAfterItStayRight() {
        BatchInput.Parsed c = csv(bytes("request_id,prompt\r\nq1,\"two\r\nlines \\xFF\"\r\nq2,\"fine\nalso\"\nq3,last"),
                LIMIT);
        assertThat(c.rows()).extracting(BatchInput.Row::line).containsExactly(2, 4, 6);
        invalid(c.rows().get(0), 2, "q1", "not valid UTF-8 (byte 0xFF");
        assertThat(c.rows().get(1).row().prompt()).isEqualTo("fine\nalso");
        assertThat(c.rows().get(2).row().prompt()).isEqualTo("last");
        // a lone CR ends a line as well
        assertThat(csv(bytes("prompt\rone\rtwo\r"), LIMIT).rows()).extracting(BatchInput.Row::line)
                .containsExactly(2, 3);
    }

    @Test
    void aByteOrderMarkAtTheStartIsSkippedWhicheverColumnComesFirst() {
        BatchInput.Parsed promptFirst = csv(bytes("\\xEF\\xBB\\xBFprompt,request_id\nhello,q1\n"), LIMIT);
        assertThat(promptFirst.validRows()).singleElement().satisfies(r -> {
            assertThat(r.row().prompt()).isEqualTo("hello");
            assertThat(r.requestId()).isEqualTo("q1");
        });
        BatchInput.Parsed idFirst = csv(bytes("\\xEF\\xBB\\xBFrequest_id,prompt\nq1,hello\nq2,again\n"), LIMIT);
        assertThat(idFirst.rows()).extracting(BatchInput.Row::requestId).containsExactly("q1", "q2");
        BatchInput.Parsed j = jsonl(bytes("\\xEF\\xBB\\xBF{\"request_id\":\"q1\",\"prompt\":\"hi\"}\n"), LIMIT);
        assertThat(j.validRows()).extracting(BatchInput.Row::requestId).containsExactly("q1");
        // one in the middle (two files joined): that row only
        BatchInput.Parsed joined = csv(bytes("request_id,prompt\nq1,hi\n\\xEF\\xBB\\xBFq2,there\nq3,x\n"), LIMIT);
        invalid(joined.rows().get(1), 3, "q2", "byte order mark");
        assertThat(joined.validRows()).hasSize(2);
    }

    @Test
    void aLineOverTheLimitIsInvalidWithItsSizeAndItsIdWhenItComesFirst() {
        String big = "x".repeat(5000);
        BatchInput.Parsed c = csv(bytes("request_id,prompt\nbig," + big + "\nsmall,hi\n,\"" + big + "\n" + big
                + "\"\nafter,ok\n"), 1000);
        assertThat(c.rows()).extracting(BatchInput.Row::line).containsExactly(2, 3, 4, 6);
        invalid(c.rows().get(0), 2, "big", "the line is 5004 bytes long, over the limit of 1000 bytes");
        invalid(c.rows().get(2), 4, null, "over the limit of 1000 bytes");
        assertThat(c.validRows()).extracting(BatchInput.Row::requestId).containsExactly("small", "after");

        BatchInput.Parsed j = jsonl(bytes("{\"custom_id\":\"big\",\"body\":{\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + big + "\"}]}}\n{\"prompt\":\"" + big + "\",\"request_id\":\"late\"}\n"
                + "{\"prompt\":\"ok\"}\n"), 1000);
        invalid(j.rows().get(0), 1, "big", "over the limit of 1000 bytes");
        invalid(j.rows().get(1), 2, null, "over the limit");
        assertThat(j.rows().get(2).valid()).isTrue();
    }

    @Test
    void aWrongJsonTypeAnywhereInAnOpenAiBatchLineMakesThatRowInvalidAndNamesTheField() {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        String[] lines = {
            "{\"custom_id\":\"m\",\"method\":null,\"url\":\"/v1/chat/completions\",\"body\":{" + msgs + "}}",
            "{\"custom_id\":\"u\",\"method\":\"POST\",\"url\":{},\"body\":{" + msgs + "}}",
            "{\"custom_id\":\"mo\",\"body\":{\"model\":{}," + msgs + "}}",
            "{\"custom_id\":\"ms\",\"body\":{\"messages\":\"hi\"}}",
            "{\"custom_id\":\"m0\",\"body\":{\"messages\":[5]}}",
            "{\"custom_id\":\"r\",\"body\":{\"messages\":[{\"role\":7,\"content\":\"hi\"}]}}",
            "{\"custom_id\":\"c\",\"body\":{\"messages\":[{\"role\":\"user\",\"content\":{}}]}}",
            "{\"custom_id\":\"mt\",\"body\":{\"max_tokens\":1.5," + msgs + "}}",
            "{\"custom_id\":\"ms2\",\"body\":{\"max_tokens\":\"7\"," + msgs + "}}",
            "{\"custom_id\":\"t\",\"body\":{\"temperature\":[1]," + msgs + "}}",
            "{\"custom_id\":{},\"body\":{" + msgs + "}}",
            "{\"custom_id\":\"b\",\"body\":[]}",
            "{\"custom_id\":\"ok\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m1\","
                    + "\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":"
                    + "[{\"type\":\"text\",\"text\":\"hi\"}]}]}}",
        };
        BatchInput.Parsed j = jsonl(String.join("\n", lines).getBytes(StandardCharsets.UTF_8), LIMIT);
        assertThat(j.rows()).hasSize(lines.length);
        invalid(j.rows().get(0), 1, "m", "method must be a string, was null");
        invalid(j.rows().get(1), 2, "u", "url must be a string, was an object");
        invalid(j.rows().get(2), 3, "mo", "body.model must be a string, was an object");
        invalid(j.rows().get(3), 4, "ms", "body.messages is a string");
        invalid(j.rows().get(4), 5, "m0", "body.messages[0] must be an object, was a number");
        invalid(j.rows().get(5), 6, "r", "body.messages[0].role must be a string, was a number");
        invalid(j.rows().get(6), 7, "c", "body.messages[0].content must be a string, was an object");
        invalid(j.rows().get(7), 8, "mt", "body.max_tokens must be a whole number, was '1.5'");
        invalid(j.rows().get(8), 9, "ms2", "body.max_tokens must be a number, was a string");
        invalid(j.rows().get(9), 10, "t", "body.temperature must be a number, was an array");
        invalid(j.rows().get(10), 11, null, "custom_id must be a string or a number, was an object");
        invalid(j.rows().get(11), 12, "b", "without a body object, body is an array");
        BatchInput.Row ok = j.rows().get(12);
        assertThat(ok.valid()).as(ok.invalidReason()).isTrue();
        assertThat(ok.row().model()).isEqualTo("m1");
        assertThat(ok.row().prompt()).isEqualTo("hi");
        assertThat(ok.row().messages().get(0).content()).isEqualTo("be brief");
    }

    @Test
    void aWrongJsonTypeInTheWorkbenchsOwnFieldsMakesThatRowInvalid() {
        BatchInput.Parsed j = jsonl(("{\"request_id\":\"p\",\"prompt\":{}}\n{\"request_id\":\"m\",\"prompt\":\"hi\","
                + "\"model\":[]}\n{\"request_id\":[1],\"prompt\":\"hi\"}\n{\"request_id\":\"n\",\"prompt\":\"hi\","
                + "\"max_tokens\":{}}\n{\"request_id\":7,\"prompt\":\"hi\",\"topic\":{\"a\":1},\"model\":null}\n")
                .getBytes(StandardCharsets.UTF_8), LIMIT);
        invalid(j.rows().get(0), 1, "p", "prompt must be a string, was an object");
        invalid(j.rows().get(1), 2, "m", "model must be a string, was an array");
        invalid(j.rows().get(2), 3, null, "request_id must be a string or a number, was an array");
        invalid(j.rows().get(3), 4, "n", "max_tokens must be a string or a number, was an object");
        assertThat(j.rows().get(4).valid()).isTrue();
        assertThat(j.rows().get(4).requestId()).isEqualTo("7");
    }

    @Test
    void aLineThatIsNotWholeJsonKeepsTheIdItStartsWith() {
        BatchInput.Parsed j = jsonl(("{\"request_id\":\"cut\",\"prompt\":\"the file was cut here\n"
                + "{\"custom_id\":\"c2\",\"body\":{\"messages\":[}\n{\"prompt\":\"fine\"}\n")
                .getBytes(StandardCharsets.UTF_8), LIMIT);
        invalid(j.rows().get(0), 1, "cut", "not valid JSON");
        invalid(j.rows().get(1), 2, "c2", "not valid JSON");
        assertThat(j.rows().get(2).valid()).isTrue();
    }

    @Test
    void reasonsStayShortWhateverTheRowHolds() {
        String huge = "9".repeat(10_000);
        BatchInput.Parsed c = csv(("prompt,max_tokens,temperature\nhi," + huge + ",\nhi,," + huge + "\n")
                .getBytes(StandardCharsets.UTF_8), LIMIT);
        assertThat(c.rows()).allSatisfy(r -> assertThat(r.invalidReason()).hasSizeLessThanOrEqualTo(200));
        BatchInput.Parsed unclosed = csv("prompt\n\"abc\nx\ny\n".getBytes(StandardCharsets.UTF_8), LIMIT);
        assertThat(unclosed.rows()).singleElement().satisfies(r -> invalid(r, 2, null, "malformed CSV"));
    }

    @Test
    void aFileThatIsNotTextIsOneShortLineThatNeverEchoesIt() throws Exception {
        byte[] garbage = new byte[50_000];
        new Random(14).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == '\n' || garbage[i] == '\r' || garbage[i] == 0) {
                garbage[i] = (byte) 0x89;
            }
        }
        garbage[0] = (byte) 0x89;
        Path png = Files.write(dir.resolve("image.csv"), garbage);
        assertThatThrownBy(() -> BatchInput.read(png)).isInstanceOf(BatchInput.InputException.class)
                .hasMessageStartingWith("the CSV header of " + png + " (line 1) is not valid UTF-8")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200 + png.toString().length()));
        garbage[100] = 0;
        Files.write(png, garbage);
        assertThatThrownBy(() -> BatchInput.read(png)).hasMessage("the input file " + png
                + " is not a text file (it holds NUL bytes)");
        Path asJsonl = Files.write(dir.resolve("image.jsonl"), garbage);
        assertThatThrownBy(() -> BatchInput.read(asJsonl)).hasMessageContaining("is not a text file");
        Path utf16 = Files.write(dir.resolve("excel.csv"), "\uFEFFprompt\nhi\n".getBytes(StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> BatchInput.read(utf16)).hasMessageContaining("is UTF-16 text")
                .hasMessageContaining("save it as UTF-8");
        // a header of many columns, none of them 'prompt': a short list
        StringBuilder columns = new StringBuilder("col");
        for (int i = 0; i < 5000; i++) {
            columns.append(",c").append(i);
        }
        Path wide = Files.writeString(dir.resolve("wide.csv"), columns + "\nx\n");
        assertThatThrownBy(() -> BatchInput.read(wide)).hasMessageStartingWith("the CSV header has no 'prompt' column")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(220).contains("more)"));
    }

    @Test
    void aFileWithoutRowsIsSaidAsSuch() throws Exception {
        Path header = Files.writeString(dir.resolve("h.csv"), "\uFEFFprompt\n\n");
        BatchInput.Counts c = countsOf(header);
        assertThat(c.total()).isZero();
        assertThatThrownBy(() -> c.requireRows(header)).hasMessageEndingWith("has no rows, only a header");
        Path empty = Files.writeString(dir.resolve("e.jsonl"), "\n \n");
        assertThatThrownBy(() -> countsOf(empty).requireRows(empty)).hasMessageEndingWith("is empty: no rows");
    }

    private static BatchInput.Counts countsOf(Path file) {
        try (BatchInput.Rows rows = BatchInput.open(file, LIMIT)) {
            rows.forEachRemaining(r -> { });
            return rows.counts();
        }
    }
}
