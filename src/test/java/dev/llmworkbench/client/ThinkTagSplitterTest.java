package dev.llmworkbench.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tags split at every possible position still separate reasoning from the answer. */
class ThinkTagSplitterTest {
    private static String[] feed(String... pieces) {
        ThinkTagSplitter s = new ThinkTagSplitter();
        StringBuilder r = new StringBuilder();
        StringBuilder a = new StringBuilder();
        for (String p : pieces) {
            ThinkTagSplitter.Out o = s.accept(p);
            if (o.relabelEarlier()) {
                r.append(a);
                a.setLength(0);
            }
            r.append(o.reasoning());
            a.append(o.answer());
        }
        ThinkTagSplitter.Out o = s.finish();
        r.append(o.reasoning());
        a.append(o.answer());
        return new String[] {r.toString(), a.toString()};
    }

    @Test
    void everyTwoAndThreeWaySplit() {
        String whole = "<think>x < y </thin k</think>\n\nAnswer <b>";
        for (int i = 0; i <= whole.length(); i++) {
            for (int j = i; j <= whole.length(); j++) {
                String[] out = feed(whole.substring(0, i), whole.substring(i, j), whole.substring(j));
                assertThat(out).as("split at %d,%d", i, j).containsExactly("x < y </thin k", "Answer <b>");
            }
        }
    }

    @Test
    void loneCloseEverySplit() {
        String whole = "plan it</think>Done";
        for (int i = 0; i <= whole.length(); i++) {
            String[] out = feed(whole.substring(0, i), whole.substring(i));
            assertThat(out).as("split at %d", i).containsExactly("plan it", "Done");
        }
    }

    @Test
    void noTagsIsAllAnswerIncludingAHeldBackPrefix() {
        assertThat(feed("a <", "thi")).containsExactly("", "a <thi");
        assertThat(feed("2 <", "3")).containsExactly("", "2 <3");
    }

    @Test
    void unclosedThinkIsAllReasoning() {
        assertThat(feed("<think>still", " going</th")).containsExactly("still going</th", "");
    }
}
