package dev.llmworkbench.client;

/**
 * Separates {@code <think>...</think>} reasoning from answer text in streamed content, with tags
 * possibly split across chunks. A {@code <think>} counts only before any answer text; a lone
 * {@code </think>} (the opening tag missing, as when a chat template puts it in the prompt) makes
 * everything before it reasoning: {@link Out#relabelEarlier()} then tells the caller to move the
 * answer text it already received into the reasoning. Whitespace right after {@code <think>} and right after
 * {@code </think>} is dropped (Qwen3 writes {@code <think>\n…\n</think>\n\n}). Not thread-safe.
 */
final class ThinkTagSplitter {
    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    private enum Mode { START, THINK, ANSWER }

    /** What one piece of content turned into. */
    record Out(String reasoning, String answer, boolean relabelEarlier) {
        static final Out EMPTY = new Out("", "", false);
    }

    private Mode mode = Mode.START;
    private String pending = "";
    private boolean answerSoFarBlank = true;
    private boolean trimLead;
    private boolean trimReasoningLead;

    Out accept(String piece) {
        if (piece == null || piece.isEmpty()) {
            return Out.EMPTY;
        }
        if (mode == Mode.ANSWER && pending.isEmpty()) {
            return new Out("", trim(piece), false);
        }
        if (pending.isEmpty() && piece.indexOf('<') < 0) {
            // fast path: no tag can start in this piece (nearly every chunk of a stream)
            if (mode == Mode.THINK) {
                return new Out(trimReasoning(piece), "", false);
            }
            if (answerSoFarBlank && !piece.isBlank()) {
                answerSoFarBlank = false;
            }
            return new Out("", piece, false);
        }
        String buf = pending + piece;
        pending = "";
        StringBuilder r = new StringBuilder();
        StringBuilder a = new StringBuilder();
        boolean relabel = false;
        while (!buf.isEmpty()) {
            if (mode == Mode.THINK) {
                int close = buf.indexOf(CLOSE);
                if (close >= 0) {
                    r.append(trimReasoning(buf.substring(0, close)));
                    buf = buf.substring(close + CLOSE.length());
                    mode = Mode.ANSWER;
                    trimLead = true;
                    continue;
                }
                int keep = partialSuffix(buf, CLOSE);
                r.append(trimReasoning(buf.substring(0, buf.length() - keep)));
                pending = buf.substring(buf.length() - keep);
                break;
            } else if (mode == Mode.START) {
                int open = buf.indexOf(OPEN);
                int close = buf.indexOf(CLOSE);
                boolean openCounts = open >= 0 && answerSoFarBlank && a.toString().isBlank()
                        && buf.substring(0, open).isBlank() && (close < 0 || open < close);
                if (openCounts) {
                    buf = buf.substring(open + OPEN.length());
                    a.setLength(0); // leading whitespace before <think> is not an answer
                    mode = Mode.THINK;
                    trimReasoningLead = true;
                    continue;
                }
                if (close >= 0) {
                    relabel = true;
                    r.append(a).append(buf, 0, close);
                    a.setLength(0);
                    buf = buf.substring(close + CLOSE.length());
                    mode = Mode.ANSWER;
                    trimLead = true;
                    continue;
                }
                int keep = Math.max(partialSuffix(buf, CLOSE),
                        answerSoFarBlank && a.toString().isBlank() ? partialSuffix(buf, OPEN) : 0);
                a.append(buf, 0, buf.length() - keep);
                pending = buf.substring(buf.length() - keep);
                break;
            } else {
                a.append(buf);
                break;
            }
        }
        String answer = mode == Mode.ANSWER ? trim(a.toString()) : a.toString();
        if (mode == Mode.START && !answer.isBlank()) {
            answerSoFarBlank = false;
        }
        return new Out(r.toString(), answer, relabel);
    }

    /** The held-back tail at the end of the stream. */
    Out finish() {
        String rest = pending;
        pending = "";
        if (rest.isEmpty()) {
            return Out.EMPTY;
        }
        return mode == Mode.THINK ? new Out(trimReasoning(rest), "", false) : new Out("", trim(rest), false);
    }

    /** Reasoning text, without the whitespace that follows {@code <think>}. */
    private String trimReasoning(String s) {
        if (!trimReasoningLead || s.isEmpty()) {
            return s;
        }
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length()) {
            trimReasoningLead = false;
        }
        return s.substring(i);
    }

    private String trim(String s) {
        if (!trimLead || s.isEmpty()) {
            return s;
        }
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length()) {
            trimLead = false;
        }
        return s.substring(i);
    }

    /** The length of the longest proper prefix of {@code tag} that {@code s} ends with. */
    private static int partialSuffix(String s, String tag) {
        for (int k = Math.min(tag.length() - 1, s.length()); k > 0; k--) {
            if (s.regionMatches(s.length() - k, tag, 0, k)) {
                return k;
            }
        }
        return 0;
    }
}
