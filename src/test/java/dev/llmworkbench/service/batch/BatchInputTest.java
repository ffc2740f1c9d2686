package dev.llmworkbench.service.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.Role;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchInputTest {
    private static BatchInput.Parsed csv(String text) {
        return csv(text.getBytes(StandardCharsets.UTF_8), BatchInput.DEFAULT_MAX_LINE_BYTES);
    }

    private static BatchInput.Parsed jsonl(String text) {
        return jsonl(text.getBytes(StandardCharsets.UTF_8), BatchInput.DEFAULT_MAX_LINE_BYTES);
    }

    private static BatchInput.Parsed csv(byte[] bytes, long maxLineBytes) {
        return BatchInput.parse(BatchInput.Kind.CSV, new ByteArrayInputStream(bytes), maxLineBytes);
    }

    private static BatchInput.Parsed jsonl(byte[] bytes, long maxLineBytes) {
        return BatchInput.parse(BatchInput.Kind.JSONL, new ByteArrayInputStream(bytes), maxLineBytes);
    }

    /** Text with {@code \\xFF}-style escapes turned into those raw bytes (the rest as UTF-8). */
    private static byte[] bytes(String text) {
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

    @Test
    void csvLineNumbersFollowMultiLineFieldsAndTemplatesAreFilled() throws Exception {
        BatchInput.Parsed p = csv("prompt,system_prompt,name,priority,temperature\n"
                + "\"Dear {{name}},\nhow are you?\",Be kind to {{name}},Ann,critical,0.5\n"
                + "Hello {{ name }},,Bob,,\n"
                + "x,,,urgent,\n");
        assertThat(p.rows()).extracting(BatchInput.Row::line).containsExactly(2, 4, 5);
        BatchRow first = p.rows().get(0).row();
        assertThat(first.messages()).extracting(m -> m.role()).containsExactly(Role.SYSTEM, Role.USER);
        assertThat(first.prompt()).isEqualTo("Dear Ann,\nhow are you?");
        assertThat(first.messages().get(0).content()).isEqualTo("Be kind to Ann");
        assertThat(first.priority()).isEqualTo(Priority.CRITICAL);
        assertThat(first.temperature()).isEqualTo(0.5);
        assertThat(p.rows().get(1).row().prompt()).isEqualTo("Hello Bob");
        assertThat(p.rows().get(2).invalidReason()).contains("unknown priority 'urgent'");
    }

    @Test
    void stableIdsDependOnContentAndPositionSoEqualPromptsAreTwoItems() throws Exception {
        String text = "prompt\nsame\nsame\n";
        BatchInput.Parsed a = csv(text);
        BatchInput.Parsed b = csv(text);
        assertThat(a.rows()).extracting(BatchInput.Row::requestId)
                .isEqualTo(b.rows().stream().map(BatchInput.Row::requestId).toList())
                .doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith("row-"));
        assertThat(a.validRows()).hasSize(2);
    }

    @Test
    void duplicateExplicitIdsWrongFieldCountsAndBadJsonAreReportedWithReasons() throws Exception {
        BatchInput.Parsed c = csv("request_id,prompt\na,one\na,two\nb,three,extra\n");
        assertThat(c.rows().get(1).invalidReason()).isEqualTo("duplicate request_id 'a' (first on line 2)");
        assertThat(c.rows().get(2).invalidReason()).isEqualTo("has 3 fields, the header has 2");
        BatchInput.Parsed j = jsonl("{\"prompt\":\"ok\",\"max_tokens\":0}\n\n[1]\n{\"prompt\":\"t\",\"temperature\":3}\n{bad\n"
                + "{\"custom_id\":\"x\",\"method\":\"GET\",\"body\":{}}\n"
                + "{\"custom_id\":\"y\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":7}}\n");
        assertThat(j.rows()).extracting(BatchInput.Row::line).containsExactly(1, 3, 4, 5, 6, 7);
        assertThat(j.rows().get(0).invalidReason()).isEqualTo("max_tokens must be at least 1, was 0");
        assertThat(j.rows().get(1).invalidReason()).isEqualTo("not a JSON object (an array)");
        assertThat(j.rows().get(2).invalidReason()).startsWith("temperature must be between 0 and 2");
        // in plain words: one line, no library's troubleshooting URL
        assertThat(j.rows().get(3).invalidReason()).startsWith("not valid JSON").doesNotContain("http")
                .doesNotContain("\n").hasSizeLessThanOrEqualTo(BatchInput.REASON_CHARS + 20);
        assertThat(j.rows().get(4).invalidReason()).isEqualTo("method must be POST, was GET");
        BatchInput.Row y = j.rows().get(5);
        assertThat(y.valid()).isTrue();
        assertThat(y.requestId()).isEqualTo("y");
        assertThat(y.row().model()).isEqualTo("m");
        assertThat(y.row().maxTokens()).isEqualTo(7);
        assertThat(BatchRow.fromJson(y.rowJson())).isEqualTo(y.row());
    }

    @Test
    void checksPassAndFailAsPromptfooUsersExpect() {
        assertThat(Checks.evaluate(null, List.of(), "x")).isNull();
        assertThat(Checks.evaluate("Paris", List.of(), " Paris\n").passed()).isTrue();
        assertThat(Checks.evaluate("Paris", List.of(), "Lyon").passed()).isFalse();
        assertThat(Checks.evaluate(null, List.of("contains:ari"), "Paris").passed()).isTrue();
        assertThat(Checks.evaluate(null, List.of("regex:^P.*s$"), "Paris").passed()).isTrue();
        assertThat(Checks.evaluate(null, List.of("json"), "{\"a\":1}").passed()).isTrue();
        assertThat(Checks.evaluate(null, List.of("json"), "```json\n[1,2]\n```").passed()).isTrue();
        assertThat(Checks.evaluate(null, List.of("json"), "not json").passed()).isFalse();
        assertThat(Checks.evaluate(null, List.of("max_chars:3"), "abcd").passed()).isFalse();
        assertThat(Checks.problem("nonsense")).contains("unknown check");
        assertThat(Checks.problem("max_chars:x")).contains("whole number");
    }

    @Test
    void theKindComesFromTheExtension() {
        assertThat(BatchInput.kindOf(Path.of("a.CSV"))).isEqualTo(BatchInput.Kind.CSV);
        assertThat(BatchInput.kindOf(Path.of("a.jsonl"))).isEqualTo(BatchInput.Kind.JSONL);
        assertThatThrownBy(() -> BatchInput.kindOf(Path.of("a.json"))).isInstanceOf(BatchInput.InputException.class);
    }
}
