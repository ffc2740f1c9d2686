package dev.llmworkbench.service.compare;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level diff of two answers, read as one text: runs kept, deleted (only in the first answer) and inserted
 * (only in the second), in reading order. Words are runs of letters and digits; every other character (a space, a
 * line break, punctuation, a CJK character) is a token of its own, so a changed word is marked alone and line breaks
 * stay where they were. Pure functions (java-diff-utils' Myers diff), for the command line and the desktop.
 */
public final class WordDiff {
    /** What a run of text is. */
    public enum Kind {
        /** In both answers. */
        SAME,
        /** Only in the first answer. */
        DELETED,
        /** Only in the second answer. */
        INSERTED
    }

    /** A run of text and what it is. */
    public record Segment(Kind kind, String text) {
    }

    /**
     * The runs in reading order (at a change, the deleted run comes before the inserted one): the SAME and DELETED
     * runs joined give the first text back, the SAME and INSERTED runs the second. The counts are of changed tokens
     * that are not white space.
     */
    public record Result(List<Segment> segments, int deletedWords, int insertedWords, int sameWords) {
        public Result {
            segments = List.copyOf(segments);
        }

        /** Whether the two texts are the same. */
        public boolean same() {
            return segments.stream().allMatch(s -> s.kind() == Kind.SAME);
        }

        /** The text of one side: {@code first} the SAME and DELETED runs, else the SAME and INSERTED ones. */
        public String side(boolean first) {
            StringBuilder sb = new StringBuilder();
            for (Segment s : segments) {
                if (s.kind() == Kind.SAME || s.kind() == (first ? Kind.DELETED : Kind.INSERTED)) {
                    sb.append(s.text());
                }
            }
            return sb.toString();
        }

        /** "12 words deleted, 15 inserted, 40 the same" or "the same text". */
        public String describe() {
            if (same()) {
                return "the same text";
            }
            return deletedWords + (deletedWords == 1 ? " word" : " words") + " deleted, " + insertedWords
                    + " inserted, " + sameWords + " the same";
        }
    }

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_&&[^\\p{IsHan}]]+|\\R|[\\s\\S]");

    private WordDiff() {
    }

    /** The tokens of a text; joined they give it back. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text == null ? "" : text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** The word-level diff from {@code first} to {@code second} (null is the empty text). */
    public static Result diff(String first, String second) {
        List<String> a = tokens(first);
        List<String> b = tokens(second);
        Patch<String> patch = DiffUtils.diff(a, b);
        Runs runs = new Runs();
        int i = 0;
        for (AbstractDelta<String> d : patch.getDeltas()) {
            int from = d.getSource().getPosition();
            while (i < from) {
                runs.add(Kind.SAME, a.get(i++));
            }
            for (String t : d.getSource().getLines()) {
                runs.add(Kind.DELETED, t);
                i++;
            }
            for (String t : d.getTarget().getLines()) {
                runs.add(Kind.INSERTED, t);
            }
        }
        while (i < a.size()) {
            runs.add(Kind.SAME, a.get(i++));
        }
        runs.close();
        return new Result(runs.segments, runs.words[Kind.DELETED.ordinal()], runs.words[Kind.INSERTED.ordinal()],
                runs.words[Kind.SAME.ordinal()]);
    }

    /** Joins successive tokens of one kind into one run and counts the words. */
    private static final class Runs {
        private final List<Segment> segments = new ArrayList<>();
        private final int[] words = new int[Kind.values().length];
        private final StringBuilder text = new StringBuilder();
        private Kind kind;

        void add(Kind k, String token) {
            if (!token.isBlank()) {
                words[k.ordinal()]++;
            }
            if (k != kind) {
                close();
                kind = k;
            }
            text.append(token);
        }

        void close() {
            if (kind != null && text.length() > 0) {
                segments.add(new Segment(kind, text.toString()));
            }
            text.setLength(0);
        }
    }
}
