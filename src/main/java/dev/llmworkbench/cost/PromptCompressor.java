package dev.llmworkbench.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a prompt shorter without changing what it asks:
 * <ul>
 *   <li>removes polite filler: "please", "kindly", "could you", "would you" (whole words, any case,
 *       with a comma right after it); a sentence that started with the filler starts with a capital again,
 *       and commas and spaces left dangling before punctuation are tidied;</li>
 *   <li>folds white space: runs of spaces and tabs become one space, spaces around line breaks go, more
 *       than one empty line becomes one, and the ends are trimmed;</li>
 *   <li>shortens a run of more than {@value #MAX_RUN} of the same punctuation or symbol character to
 *       {@value #MAX_RUN} ("!!!!!!" → "!!!", "-----------" → "---"); letters, digits and white space are
 *       not shortened (numbers like 1000000 stay);</li>
 *   <li>never touches fenced code blocks ({@code ```...```}, an unclosed one runs to the end), inline code
 *       ({@code `...`}) or quoted strings ({@code "..."} and {@code “...”}).</li>
 * </ul>
 * Filler removal is literal: "Would you like a table?" becomes "Like a table?". Thread-safe.
 */
public final class PromptCompressor {
    public static final int MAX_RUN = 3;

    private static final Pattern FILLER = Pattern.compile(
            "(?<![\\p{L}\\p{N}_])(?:please|kindly|could\\s+you|would\\s+you)(?![\\p{L}\\p{N}_]),?",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern REPEAT = Pattern.compile("([^\\p{L}\\p{N}\\s])\\1{" + MAX_RUN + ",}");
    private static final Pattern SPACE_BEFORE_PUNCT = Pattern.compile("[ \\t]+(?=[,.;:!?])");
    private static final Pattern COMMA_BEFORE_END = Pattern.compile(",+(?=[.;:!?])");
    private static final Pattern COMMAS = Pattern.compile(",{2,}");
    private static final Pattern LEADING_COMMA = Pattern.compile("(?m)(^|[.!?。！？])([ \\t]*),[ \\t]*");
    private static final Pattern HSPACE = Pattern.compile("[ \\t\\x0B\\f]+");
    private static final Pattern SPACE_AROUND_NL = Pattern.compile(" ?\\n ?");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

    private final TokenEstimator estimator;

    public PromptCompressor(TokenEstimator estimator) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
    }

    public CompressionResult compress(String prompt) {
        String text = prompt == null ? "" : prompt;
        List<Segment> segments = split(text.replace("\r\n", "\n"));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.verbatim) {
                out.append(s.text);
                continue;
            }
            String plain = compressPlain(s.text);
            if (i == 0) {
                plain = plain.stripLeading();
            }
            if (i == segments.size() - 1) {
                plain = plain.stripTrailing();
            }
            out.append(plain);
        }
        String result = out.toString();
        return new CompressionResult(result, estimator.countText(text), estimator.countText(result));
    }

    private record Segment(String text, boolean verbatim) {
    }

    /** Splits into plain text and verbatim parts (fenced code, inline code, quoted strings). */
    private static List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int end = verbatimEnd(text, i);
            if (end > i) {
                if (plain.length() > 0) {
                    out.add(new Segment(plain.toString(), false));
                    plain.setLength(0);
                }
                out.add(new Segment(text.substring(i, end), true));
                i = end;
            } else {
                plain.append(text.charAt(i));
                i++;
            }
        }
        if (plain.length() > 0) {
            out.add(new Segment(plain.toString(), false));
        }
        return out;
    }

    /** The end of a verbatim part starting at {@code i}, or {@code i} when none starts there. */
    private static int verbatimEnd(String text, int i) {
        char c = text.charAt(i);
        if (text.startsWith("```", i)) {
            int close = text.indexOf("```", i + 3);
            return close < 0 ? text.length() : close + 3;
        }
        if (c == '`' || c == '"' || c == '“') {
            char closing = c == '“' ? '”' : c;
            int close = text.indexOf(closing, i + 1);
            return close < 0 ? i : close + 1;
        }
        return i;
    }

    private static String compressPlain(String text) {
        String s = removeFiller(text);
        s = REPEAT.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1).repeat(MAX_RUN)));
        s = HSPACE.matcher(s).replaceAll(" ");
        s = SPACE_BEFORE_PUNCT.matcher(s).replaceAll("");
        s = COMMA_BEFORE_END.matcher(s).replaceAll("");
        s = COMMAS.matcher(s).replaceAll(",");
        s = LEADING_COMMA.matcher(s).replaceAll("$1$2");
        s = SPACE_AROUND_NL.matcher(s).replaceAll("\n");
        s = BLANK_LINES.matcher(s).replaceAll("\n\n");
        return s;
    }

    private static String removeFiller(String text) {
        Matcher m = FILLER.matcher(text);
        StringBuilder out = new StringBuilder();
        int last = 0;
        boolean capitalise = false;
        while (m.find()) {
            capitalise = appendChunk(out, text.substring(last, m.start()), capitalise);
            boolean atSentenceStart = atSentenceStart(out);
            if (atSentenceStart && Character.isUpperCase(m.group().charAt(0))) {
                capitalise = true;
            }
            last = m.end();
        }
        appendChunk(out, text.substring(last), capitalise);
        return out.toString();
    }

    /** Appends {@code chunk}, capitalising its first letter if asked; returns whether still to capitalise. */
    private static boolean appendChunk(StringBuilder out, String chunk, boolean capitalise) {
        if (!capitalise) {
            out.append(chunk);
            return false;
        }
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (Character.isWhitespace(c) || c == ',') {
                continue;
            }
            out.append(chunk, 0, i);
            out.append(Character.isLowerCase(c) ? Character.toUpperCase(c) : c);
            out.append(chunk, i + 1, chunk.length());
            return false;
        }
        out.append(chunk);
        return true;
    }

    private static boolean atSentenceStart(StringBuilder out) {
        for (int i = out.length() - 1; i >= 0; i--) {
            char c = out.charAt(i);
            if (c == '\n') {
                return true;
            }
            if (Character.isWhitespace(c) || c == ',') {
                continue;
            }
            return ".!?。！？".indexOf(c) >= 0;
        }
        return true;
    }
}
