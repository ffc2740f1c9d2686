package dev.llmworkbench.service.eval;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level diff of two prompt versions, for showing them side by side: the older text as runs of words kept or
 * deleted, the newer as runs kept or inserted. Words are runs of letters and digits; each other character (a space,
 * a line break, a brace, a CJK character) is a token of its own, so that a changed word is marked alone and line
 * breaks are kept. Pure functions (java-diff-utils' Myers diff).
 */
public final class PromptDiff {
    /** What a run of text is on its side. */
    public enum Kind {
        /** In both versions. */
        SAME,
        /** Only in the older version (left side). */
        DELETED,
        /** Only in the newer version (right side). */
        INSERTED
    }

    /** A run of text and what it is. */
    public record Segment(Kind kind, String text) {
    }

    /**
     * The two sides: {@code left} the older text (SAME and DELETED runs), {@code right} the newer (SAME and
     * INSERTED runs); each side's runs joined give its text back. {@code deletedWords} and {@code insertedWords}
     * count the changed tokens that are not white space.
     */
    public record SideBySide(List<Segment> left, List<Segment> right, int deletedWords, int insertedWords) {
        public SideBySide {
            left = List.copyOf(left);
            right = List.copyOf(right);
        }

        /** Whether the texts are the same. */
        public boolean same() {
            return left.stream().allMatch(s -> s.kind() == Kind.SAME) && right.stream().allMatch(s -> s.kind() == Kind.SAME);
        }
    }

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_&&[^\\p{IsHan}]]+|\\R|[\\s\\S]");

    private PromptDiff() {
    }

    /** The tokens of a text, joined they give it back. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text == null ? "" : text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** The word-level diff of {@code older} and {@code newer}. */
    public static SideBySide diff(String older, String newer) {
        List<String> a = tokens(older);
        List<String> b = tokens(newer);
        Patch<String> patch = DiffUtils.diff(a, b);
        Runs left = new Runs();
        Runs right = new Runs();
        int i = 0;
        int j = 0;
        int deleted = 0;
        int inserted = 0;
        for (AbstractDelta<String> d : patch.getDeltas()) {
            int from = d.getSource().getPosition();
            int to = d.getTarget().getPosition();
            while (i < from) {
                left.add(Kind.SAME, a.get(i++));
            }
            while (j < to) {
                right.add(Kind.SAME, b.get(j++));
            }
            for (String t : d.getSource().getLines()) {
                left.add(Kind.DELETED, t);
                deleted += t.isBlank() ? 0 : 1;
                i++;
            }
            for (String t : d.getTarget().getLines()) {
                right.add(Kind.INSERTED, t);
                inserted += t.isBlank() ? 0 : 1;
                j++;
            }
        }
        while (i < a.size()) {
            left.add(Kind.SAME, a.get(i++));
        }
        while (j < b.size()) {
            right.add(Kind.SAME, b.get(j++));
        }
        return new SideBySide(left.joined(), right.joined(), deleted, inserted);
    }

    /** Joins neighbouring tokens of one kind into one run. */
    private static final class Runs {
        private final List<Segment> out = new ArrayList<>();

        /** The runs, white space alone between two changed runs marked changed too ("one sentence", not two). */
        List<Segment> joined() {
            List<Segment> res = new ArrayList<>();
            for (int k = 0; k < out.size(); k++) {
                Segment s = out.get(k);
                boolean gap = s.kind() == Kind.SAME && s.text().isBlank() && !s.text().contains("\n") && k > 0
                        && k + 1 < out.size() && out.get(k - 1).kind() != Kind.SAME
                        && out.get(k + 1).kind() == out.get(k - 1).kind();
                if (gap) {
                    Segment prev = res.remove(res.size() - 1);
                    res.add(new Segment(prev.kind(), prev.text() + s.text() + out.get(++k).text()));
                } else if (!res.isEmpty() && res.get(res.size() - 1).kind() == s.kind()) {
                    Segment prev = res.remove(res.size() - 1);
                    res.add(new Segment(s.kind(), prev.text() + s.text()));
                } else {
                    res.add(s);
                }
            }
            return res;
        }

        void add(Kind kind, String token) {
            if (!out.isEmpty() && out.get(out.size() - 1).kind() == kind) {
                Segment last = out.remove(out.size() - 1);
                out.add(new Segment(kind, last.text() + token));
            } else {
                out.add(new Segment(kind, token));
            }
        }
    }
}
