package dev.llmworkbench.service.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.service.eval.PromptDiff.Kind;
import dev.llmworkbench.service.eval.PromptDiff.Segment;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PromptDiffTest {
    private static String join(List<Segment> s) {
        return s.stream().map(Segment::text).collect(Collectors.joining());
    }

    private static List<String> of(List<Segment> s, Kind k) {
        return s.stream().filter(x -> x.kind() == k).map(Segment::text).toList();
    }

    @Test
    void aChangedWordIsMarkedAloneOnEachSide() {
        PromptDiff.SideBySide d = PromptDiff.diff("Answer in one sentence: {{q}}", "Answer in two short sentences: {{q}}");
        assertThat(join(d.left())).isEqualTo("Answer in one sentence: {{q}}");
        assertThat(join(d.right())).isEqualTo("Answer in two short sentences: {{q}}");
        assertThat(of(d.left(), Kind.DELETED)).containsExactly("one sentence");
        assertThat(of(d.right(), Kind.INSERTED)).containsExactly("two short sentences");
        assertThat(d.left()).noneMatch(s -> s.kind() == Kind.INSERTED);
        assertThat(d.right()).noneMatch(s -> s.kind() == Kind.DELETED);
        assertThat(d.deletedWords()).isEqualTo(2);
        assertThat(d.insertedWords()).isEqualTo(3);
        assertThat(d.same()).isFalse();
    }

    @Test
    void lineBreaksAndCjkAreKeptAndSameTextsAreSame() {
        PromptDiff.SideBySide d = PromptDiff.diff("第一行\nline two", "第二行\nline two");
        assertThat(join(d.left())).isEqualTo("第一行\nline two");
        assertThat(of(d.left(), Kind.DELETED)).containsExactly("一");
        assertThat(of(d.right(), Kind.INSERTED)).containsExactly("二");
        assertThat(PromptDiff.diff("a b\nc", "a b\nc").same()).isTrue();
        assertThat(PromptDiff.diff("", "new").right()).containsExactly(new Segment(Kind.INSERTED, "new"));
    }
}
