package dev.llmworkbench.service.bench;

import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * Prompts of an exact number of tokens by a model's tokenizer, made of common words, different for every request
 * ({@code --input-tokens}). Each word's count is taken once, alone and after a space: a tokenizer's pre-tokenizer
 * never joins a space-led word to its neighbours, so a prompt's count is the sum of its words' counts, and a
 * prompt is made without tokenizing it (on the benchmark's sending thread, where a thousand-token prompt counted
 * eight times delayed the schedule). Thread-safe once made.
 */
final class SyntheticPrompts {
    private final String[] words;
    /** Each word's tokens at the start of a prompt and after a space. */
    private final int[] alone;
    private final int[] spaced;
    /** A word of one token after a space, to fill the last token exactly (-1: none). */
    private final int oneToken;

    /** @param tokens a text's raw token count by the model's tokenizer */
    SyntheticPrompts(ToIntFunction<String> tokens, String[] words) {
        this.words = words.clone();
        alone = new int[words.length];
        spaced = new int[words.length];
        int one = -1;
        for (int i = 0; i < words.length; i++) {
            alone[i] = tokens.applyAsInt(words[i]);
            spaced[i] = tokens.applyAsInt(" " + words[i]);
            if (one < 0 && spaced[i] == 1 && alone[i] == 1) {
                one = i;
            }
        }
        oneToken = one;
    }

    /** A prompt of {@code tokens} tokens (none: empty); null when this tokenizer gives no word of one token. */
    String prompt(int tokens, SplittableRandom rnd) {
        if (tokens <= 0) {
            return "";
        }
        if (oneToken < 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder(tokens * 6);
        int total = 0;
        while (total < tokens) {
            int i = rnd.nextInt(words.length);
            int n = sb.length() == 0 ? alone[i] : spaced[i];
            if (total + n > tokens) {
                i = oneToken; // the last token or two: a word of one token fills them exactly
                n = 1;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(words[i]);
            total += n;
        }
        return sb.toString();
    }
}
