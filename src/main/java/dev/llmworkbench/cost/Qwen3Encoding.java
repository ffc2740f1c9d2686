package dev.llmworkbench.cost;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Qwen3's tokenizer ({@code Qwen2Tokenizer}, byte-level BPE) on JTokkit, matching Hugging Face's
 * {@code tokenizer.json} of the Qwen3 models:
 * <ol>
 *   <li>the added tokens ({@link #ADDED_TOKENS}) are cut out of the raw text first, leftmost and longest
 *       first, each one token (HF's default {@code split_special_tokens=false});</li>
 *   <li>each piece between them is NFC-normalised (the file's normalizer);</li>
 *   <li>split by the pre-tokenizer's pattern ({@link #PATTERN}) and byte-pair merged with the ranks of
 *       {@link #RESOURCE}, where a token's rank is its id. tiktoken's rule that JTokkit follows (merge the
 *       adjacent pair whose concatenation has the lowest rank) equals HF's (merge the pair listed first)
 *       because merge i of the file makes token 256 + i; {@code tools/qwen3-tokenizer/make-ranks.mjs} checks
 *       that when it writes the resource.</li>
 * </ol>
 * The pattern's {@code \s} is spelled out as Unicode white space ({@link #PATTERN}); {@code (?i:…)} is ASCII
 * case-insensitive there as here. Letters and digits are Java's {@code \p{L}} and {@code \p{N}}: on Java 17
 * (Unicode 13) a letter assigned since Unicode 14 is not one, so text in such letters may split differently.
 */
final class Qwen3Encoding {
    static final String RESOURCE = "/dev/llmworkbench/tokenizers/qwen3.ranks.gz";
    static final int VOCABULARY = 151_643;

    /**
     * White space as Hugging Face's tokenizers (Rust, Oniguruma) read the pattern's {@code \s}: Unicode's
     * White_Space property, U+0085 included. (JavaScript ports such as @lenml/tokenizers differ here: their
     * {@code \s} leaves out U+0085 and takes U+FEFF.) Java's own {@code \s} is ASCII-only.
     */
    private static final String WS = "\\p{IsWhite_Space}";

    /**
     * {@code tokenizer.json}'s {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
     * with {@code \s} and {@code \S} spelled out.
     */
    static final Pattern PATTERN = Pattern.compile("(?i:'s|'t|'re|'ve|'m|'ll|'d)"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}"
            + "| ?[^" + WS + "\\p{L}\\p{N}]+[\\r\\n]*"
            + "|[" + WS + "]*[\\r\\n]+"
            + "|[" + WS + "]+(?![^" + WS + "])"
            + "|[" + WS + "]+");

    /** The added tokens of {@code tokenizer.json} (ids 151643–151668), longest first within equal starts. */
    static final List<String> ADDED_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>",
            "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>",
            "<|quad_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>",
            "<|video_pad|>", "<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
            "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>",
            "</think>");

    /** The added tokens by length, longest first, with their ids. */
    private static final String[] ADDED_BY_LENGTH;
    private static final int[] ADDED_IDS;

    static {
        ADDED_BY_LENGTH = ADDED_TOKENS.stream().sorted((a, b) -> b.length() - a.length()).toArray(String[]::new);
        ADDED_IDS = new int[ADDED_BY_LENGTH.length];
        for (int i = 0; i < ADDED_BY_LENGTH.length; i++) {
            ADDED_IDS[i] = VOCABULARY + ADDED_TOKENS.indexOf(ADDED_BY_LENGTH[i]);
        }
    }

    /** Loaded on first use of {@link #INSTANCE} (class initialisation: once, thread-safe). */
    static final class Holder {
        static final Qwen3Encoding INSTANCE = load();

        private Holder() {
        }
    }

    private final Encoding bpe;

    private Qwen3Encoding(Encoding bpe) {
        this.bpe = bpe;
    }

    static Qwen3Encoding load() {
        Map<byte[], Integer> ranks = new HashMap<>(VOCABULARY * 4 / 3 + 1);
        try (InputStream raw = Qwen3Encoding.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("the Qwen3 tokenizer's ranks " + RESOURCE + " are missing");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw, 1 << 16),
                    StandardCharsets.US_ASCII), 1 << 16);
            Base64.Decoder b64 = Base64.getDecoder();
            String line;
            int rank = 0;
            while ((line = in.readLine()) != null) {
                ranks.put(b64.decode(line), rank++);
            }
            if (rank != VOCABULARY) {
                throw new IllegalStateException(RESOURCE + " has " + rank + " ranks, expected " + VOCABULARY);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Qwen3 tokenizer's ranks " + RESOURCE, e);
        }
        GptBytePairEncodingParams params = new GptBytePairEncodingParams("qwen3", PATTERN, ranks, Map.of());
        Encoding bpe = Encodings.newLazyEncodingRegistry().registerGptBytePairEncoding(params).getEncoding("qwen3")
                .orElseThrow();
        return new Qwen3Encoding(bpe);
    }

    int[] encode(String text) {
        IntArrayList out = new IntArrayList(Math.max(8, text.length() / 3));
        run(text, out);
        return out.toArray();
    }

    int count(String text) {
        return run(text, null);
    }

    /** Encodes into {@code out} (or only counts, when it is null); returns the count. */
    private int run(String text, IntArrayList out) {
        int count = 0;
        int start = 0;
        int at = text.indexOf('<');
        while (at >= 0) {
            int added = addedTokenAt(text, at);
            if (added < 0) {
                at = text.indexOf('<', at + 1);
                continue;
            }
            count += ordinary(text.substring(start, at), out);
            if (out != null) {
                out.add(ADDED_IDS[added]);
            }
            count++;
            start = at + ADDED_BY_LENGTH[added].length();
            at = text.indexOf('<', start);
        }
        return count + ordinary(start == 0 ? text : text.substring(start), out);
    }

    private static int addedTokenAt(String text, int at) {
        for (int i = 0; i < ADDED_BY_LENGTH.length; i++) {
            if (text.startsWith(ADDED_BY_LENGTH[i], at)) {
                return i;
            }
        }
        return -1;
    }

    private int ordinary(String piece, IntArrayList out) {
        if (piece.isEmpty()) {
            return 0;
        }
        String nfc = Normalizer.isNormalized(piece, Normalizer.Form.NFC) ? piece
                : Normalizer.normalize(piece, Normalizer.Form.NFC);
        if (out == null) {
            return bpe.countTokensOrdinary(nfc);
        }
        IntArrayList ids = bpe.encodeOrdinary(nfc);
        for (int i = 0; i < ids.size(); i++) {
            out.add(ids.get(i));
        }
        return ids.size();
    }
}
