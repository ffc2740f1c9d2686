package dev.llmworkbench.service.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.service.compare.WordDiff.Kind;
import dev.llmworkbench.service.compare.WordDiff.Segment;
import org.junit.jupiter.api.Test;

class WordDiffTest {
    @Test
    void aChangedWordIsDeletedThenInsertedAndTheRestKept() {
        WordDiff.Result r = WordDiff.diff("The quick brown fox jumps.", "The quick red fox jumps high.");
        assertThat(r.segments()).containsExactly(new Segment(Kind.SAME, "The quick "),
                new Segment(Kind.DELETED, "brown"), new Segment(Kind.INSERTED, "red"),
                new Segment(Kind.SAME, " fox jumps"), new Segment(Kind.INSERTED, " high"),
                new Segment(Kind.SAME, "."));
        assertThat(r.deletedWords()).isEqualTo(1);
        assertThat(r.insertedWords()).isEqualTo(2);
        assertThat(r.sameWords()).isEqualTo(5); // The quick fox jumps .
        assertThat(r.same()).isFalse();
        assertThat(r.describe()).isEqualTo("1 word deleted, 2 inserted, 5 the same");
    }

    @Test
    void eachSideGivesItsTextBackLineBreaksAndCjkIncluded() {
        String a = "第一行 hello\nsecond line, kept\n\nend";
        String b = "第二行 hello\nsecond  line kept\nend!";
        WordDiff.Result r = WordDiff.diff(a, b);
        assertThat(r.side(true)).isEqualTo(a);
        assertThat(r.side(false)).isEqualTo(b);
        // a CJK character is a word of its own: only the changed one is marked
        assertThat(r.segments()).contains(new Segment(Kind.DELETED, "一"), new Segment(Kind.INSERTED, "二"));
    }

    @Test
    void theSameTextHasNoChangeAndEmptyTextsWork() {
        assertThat(WordDiff.diff("same words", "same words").same()).isTrue();
        assertThat(WordDiff.diff("same words", "same words").describe()).isEqualTo("the same text");
        assertThat(WordDiff.diff(null, "").segments()).isEmpty();
        WordDiff.Result added = WordDiff.diff("", "all new");
        assertThat(added.segments()).containsExactly(new Segment(Kind.INSERTED, "all new"));
        assertThat(added.insertedWords()).isEqualTo(2);
    }
}
