package dev.llmworkbench.cost;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;
import java.util.Optional;

/**
 * The tokenizers the estimates count with, by the name the price catalogue gives them ({@code tokenizer}).
 *
 * <ul>
 *   <li>{@link #O200K} and {@link #CL100K}: OpenAI's encodings, from JTokkit. Special-token markers such as
 *       {@code <|endoftext|>} in the text are counted as ordinary text.</li>
 *   <li>{@link #QWEN3}: Qwen3's own byte-level BPE (151,643 ranks and 26 added tokens, bundled as
 *       {@code tokenizers/qwen3.ranks.gz}), exact: the same ids as Hugging Face's {@code tokenizer.encode(text)}
 *       with its defaults. Added tokens in the text ({@code <|im_start|>}, {@code <think>}, …) count as one token
 *       each, as there; the rest is NFC-normalised first, as there.</li>
 * </ul>
 *
 * <p>Each tokenizer loads its vocabulary once, lazily, on first use, thread-safe; Qwen3's takes a few hundred
 * milliseconds (see docs/BENCHMARKS.md). All methods are thread-safe.
 */
public enum Tokenizer {
    O200K("o200k"),
    CL100K("cl100k"),
    QWEN3("qwen3");

    /** The tokenizer of a model that neither the catalogue nor the name rules of {@link #forModelName} place. */
    public static final Tokenizer DEFAULT = O200K;

    private final String id;

    Tokenizer(String id) {
        this.id = id;
    }

    /** The name used in the price catalogue, the outputs and the labels ({@code qwen3}, {@code o200k}, …). */
    public String id() {
        return id;
    }

    /** The tokenizer of that name (case-insensitive; {@code o200k_base} and {@code cl100k_base} also accepted). */
    public static Optional<Tokenizer> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Tokenizer t : values()) {
            if (t.id.equals(n) || (t.id + "_base").equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The tokenizer a model's name implies when the catalogue names none: Qwen models ({@code qwen…}, also
     * behind a provider prefix such as {@code qwen/qwen3-32b}) use {@link #QWEN3} (Qwen2, 2.5 and 3 share its
     * vocabulary); {@code gpt-3.5…} and {@code gpt-4} / {@code gpt-4-…} (not {@code gpt-4o} or
     * {@code gpt-4.1}) use {@link #CL100K}; everything else, unknown models included, {@link #DEFAULT}.
     */
    public static Tokenizer forModelName(String model) {
        if (model == null) {
            return DEFAULT;
        }
        String m = model.trim().toLowerCase(Locale.ROOT);
        String base = m.substring(m.lastIndexOf('/') + 1);
        if (base.startsWith("qwen") || base.startsWith("qwq")) {
            return QWEN3;
        }
        if (base.startsWith("gpt-3.5") || base.equals("gpt-4") || base.startsWith("gpt-4-")) {
            return CL100K;
        }
        return DEFAULT;
    }

    /** The number of tokens of {@code text} (0 for null or empty). */
    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return switch (this) {
            case O200K -> O200kHolder.ENCODING.countTokensOrdinary(text);
            case CL100K -> Cl100kHolder.ENCODING.countTokensOrdinary(text);
            case QWEN3 -> Qwen3Encoding.Holder.INSTANCE.count(text);
        };
    }

    /** The token ids of {@code text} (empty for null or empty). */
    public int[] encode(String text) {
        if (text == null || text.isEmpty()) {
            return new int[0];
        }
        return switch (this) {
            case O200K -> O200kHolder.ENCODING.encodeOrdinary(text).toArray();
            case CL100K -> Cl100kHolder.ENCODING.encodeOrdinary(text).toArray();
            case QWEN3 -> Qwen3Encoding.Holder.INSTANCE.encode(text);
        };
    }

    @Override
    public String toString() {
        return id;
    }

    private static final class O200kHolder {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    private static final class Cl100kHolder {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }
}
