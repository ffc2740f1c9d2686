package dev.llmworkbench.cost;

import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores a prompt's complexity with {@link ComplexityConfig} (by default words × 0.5 + code blocks × 10 +
 * technical terms × 3 + 5 if more than 3 sentences; simple &lt; 20 ≤ moderate &lt; 50 ≤ complex).
 *
 * <p>Counting rules:
 * <ul>
 *   <li>Code blocks are fenced {@code ```} blocks; an unclosed fence runs to the end of the text. The text
 *       inside code blocks is NOT counted as words, terms or sentences: the block counts once, as a block.</li>
 *   <li>Words: the rest is split on white space; in each piece every CJK character (Han, Hiragana,
 *       Katakana, Hangul) is one word and each run of other characters holding a letter or digit is one
 *       word (a piece of punctuation alone is no word).</li>
 *   <li>Sentences end at {@code 。！？} always, and at {@code . ! ?} when followed by white space, a quote
 *       or bracket, or the end of the text (so "3.14" and "e.g" don't end one); a run of end marks ends
 *       one sentence; text after the last end mark counts as one more.</li>
 *   <li>Technical terms: every occurrence of a term as a whole word (not inside a longer word), any case.</li>
 * </ul>
 * Thread-safe.
 */
public final class ComplexityScorer {
    private static final Pattern FENCE = Pattern.compile("```[\\s\\S]*?(?:```|\\z)");
    private static final String ASCII_ENDS = ".!?";
    private static final String CJK_ENDS = "。！？";

    private final ComplexityConfig config;
    private final List<Pattern> termPatterns;

    public ComplexityScorer() {
        this(ComplexityConfig.defaults());
    }

    public ComplexityScorer(ComplexityConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        List<Pattern> ps = new ArrayList<>();
        for (String t : config.technicalTerms()) {
            ps.add(Pattern.compile("(?<![\\p{L}\\p{N}_])" + Pattern.quote(t.trim()) + "(?![\\p{L}\\p{N}_])",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        }
        this.termPatterns = List.copyOf(ps);
    }

    public ComplexityConfig config() {
        return config;
    }

    public ComplexityScore score(String prompt) {
        String text = prompt == null ? "" : prompt;
        int blocks = 0;
        StringBuilder prose = new StringBuilder();
        Matcher m = FENCE.matcher(text);
        int last = 0;
        while (m.find()) {
            blocks++;
            prose.append(text, last, m.start()).append('\n');
            last = m.end();
        }
        prose.append(text.substring(last));
        String rest = prose.toString();

        int words = countWords(rest);
        int terms = countTerms(rest);
        int sentences = countSentences(rest);
        double score = words * config.wordWeight() + blocks * config.codeBlockWeight()
                + terms * config.termWeight()
                + (sentences > config.sentenceThreshold() ? config.sentenceBonus() : 0);
        return new ComplexityScore(score, levelOf(score), words, blocks, terms, sentences);
    }

    /** The level of a score under this scorer's thresholds. */
    public Level levelOf(double score) {
        if (score < config.simpleBelow()) {
            return Level.SIMPLE;
        }
        return score < config.complexFrom() ? Level.MODERATE : Level.COMPLEX;
    }

    static boolean isCjk(int cp) {
        UnicodeScript s = UnicodeScript.of(cp);
        return s == UnicodeScript.HAN || s == UnicodeScript.HIRAGANA || s == UnicodeScript.KATAKANA
                || s == UnicodeScript.HANGUL;
    }

    static int countWords(String text) {
        int words = 0;
        for (String piece : text.split("\\s+")) {
            boolean inRun = false;
            boolean runHasAlnum = false;
            for (int i = 0; i < piece.length(); ) {
                int cp = piece.codePointAt(i);
                i += Character.charCount(cp);
                if (isCjk(cp)) {
                    if (inRun && runHasAlnum) {
                        words++;
                    }
                    inRun = false;
                    runHasAlnum = false;
                    words++;
                } else {
                    inRun = true;
                    runHasAlnum |= Character.isLetterOrDigit(cp);
                }
            }
            if (inRun && runHasAlnum) {
                words++;
            }
        }
        return words;
    }

    private int countTerms(String text) {
        int n = 0;
        for (Pattern p : termPatterns) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                n++;
            }
        }
        return n;
    }

    static int countSentences(String text) {
        int sentences = 0;
        boolean content = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (isEnd(text, i)) {
                int j = i;
                while (j < text.length() && (ASCII_ENDS.indexOf(text.charAt(j)) >= 0
                        || CJK_ENDS.indexOf(text.charAt(j)) >= 0)) {
                    j++;
                }
                if (content) {
                    sentences++;
                }
                content = false;
                i = j;
                continue;
            }
            if (Character.isLetterOrDigit(c)) {
                content = true;
            }
            i++;
        }
        if (content) {
            sentences++;
        }
        return sentences;
    }

    private static boolean isEnd(String text, int i) {
        char c = text.charAt(i);
        if (CJK_ENDS.indexOf(c) >= 0) {
            return true;
        }
        if (ASCII_ENDS.indexOf(c) < 0) {
            return false;
        }
        int j = i;
        while (j < text.length() && (ASCII_ENDS.indexOf(text.charAt(j)) >= 0 || CJK_ENDS.indexOf(text.charAt(j)) >= 0)) {
            j++;
        }
        if (j == text.length()) {
            return true;
        }
        char next = text.charAt(j);
        return Character.isWhitespace(next) || "\"'”’)]}".indexOf(next) >= 0;
    }
}
