package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Qwen3's token ids equal the reference tokenizer's: a corpus of 200 English, Chinese, mixed, code, number,
 * emoji, white-space and chat-template strings with the ids of Qwen3's {@code tokenizer.json} encoded by
 * {@code tools/qwen3-tokenizer/reference-ids.mjs} (and checked against Hugging Face's tokenizers by
 * {@code check-hf.py}).
 */
class Qwen3TokenizerCorpusTest {
    private record Entry(String text, int[] ids) {
    }

    private static List<Entry> corpus() throws IOException {
        try (InputStream in = Qwen3TokenizerCorpusTest.class.getResourceAsStream("qwen3-corpus.json");
             Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return List.of(new Gson().fromJson(r, Entry[].class));
        }
    }

    @Test
    void idsAndCountsEqualTheReferenceOnTheWholeCorpus() throws IOException {
        List<Entry> corpus = corpus();
        assertThat(corpus).hasSize(200);
        List<String> wrong = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < corpus.size(); i++) {
            Entry e = corpus.get(i);
            assertThat(e.ids()).as("entry %d has reference ids", i).isNotEmpty();
            int[] ids = Tokenizer.QWEN3.encode(e.text());
            int count = Tokenizer.QWEN3.count(e.text());
            if (!java.util.Arrays.equals(ids, e.ids()) || count != e.ids().length) {
                wrong.add(i + ": " + e.text() + " -> " + java.util.Arrays.toString(ids) + " (count " + count
                        + "), reference " + java.util.Arrays.toString(e.ids()));
            }
            tokens += ids.length;
        }
        assertThat(wrong).as("entries whose ids or count differ from the reference").isEmpty();
        assertThat(tokens).isEqualTo(corpus.stream().mapToLong(e -> e.ids().length).sum());
    }

    @Test
    void addedTokensCountAsOneTokenEach() {
        assertThat(Tokenizer.QWEN3.encode("<|im_start|>user\nhi<|im_end|>"))
                .containsExactly(151644, 872, 198, 6023, 151645);
        assertThat(Tokenizer.QWEN3.encode("<think>x</think>")).containsExactly(151667, 87, 151668);
        assertThat(Tokenizer.QWEN3.count("<|im_star|>")).as("not an added token: ordinary text").isGreaterThan(1);
        // O200K keeps counting markers as text, as before
        assertThat(Tokenizer.O200K.count("<|endoftext|>")).isGreaterThan(1);
    }

    @Test
    void whiteSpaceFollowsHuggingFaceTokenizersWhereTheJavaScriptPortDiffers() {
        // ids from Hugging Face tokenizers 0.23.2 (Rust) on the same tokenizer.json; the JavaScript port
        // (@lenml/tokenizers) reads U+0085 as not white space and U+FEFF as white space, and differs here
        assertThat(Tokenizer.QWEN3.encode("x \u0085 y")).containsExactly(87, 2139, 227, 379);
        assertThat(Tokenizer.QWEN3.encode(" \ufeff\ufeff z")).containsExactly(75780, 3225, 1147);
        assertThat(Tokenizer.QWEN3.encode("a\u0085's")).containsExactly(64, 126, 227, 594);
    }

    @Test
    void textIsNfcNormalisedOutsideAddedTokens() {
        assertThat(Tokenizer.QWEN3.encode("e\u0301")).isEqualTo(Tokenizer.QWEN3.encode("\u00e9"));
        assertThat(Tokenizer.QWEN3.encode("")).isEmpty();
        assertThat(Tokenizer.QWEN3.count(null)).isZero();
    }
}
