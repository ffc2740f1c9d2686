package dev.llmworkbench.cost;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ToolCall;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates a request's input tokens before sending with JTokkit's o200k_base encoding, plus
 * {@value #TOKENS_PER_MESSAGE} tokens of overhead per message and {@value #REPLY_PRIMING} for the reply
 * (OpenAI's chat format; other tokenizers differ, hence the correction).
 *
 * <p>The estimate is corrected per model by the ratio between real {@code usage.prompt_tokens} and our raw
 * estimates, kept as an exponential moving average ({@code ratio ← ratio + α·(observed − ratio)}; the first
 * observation sets it). Thread-safe. The encoding is created once, lazily, and shared.
 */
public final class TokenEstimator {
    public static final int TOKENS_PER_MESSAGE = 3;
    public static final int REPLY_PRIMING = 3;
    public static final double DEFAULT_ALPHA = 0.3;

    private final double alpha;
    private final Map<String, Double> ratios = new ConcurrentHashMap<>();

    public TokenEstimator() {
        this(DEFAULT_ALPHA);
    }

    /** @param alpha the weight of each new observation in the moving average, in (0, 1] */
    public TokenEstimator(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        this.alpha = alpha;
    }

    private static final class Holder {
        static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    /** The plain o200k token count of {@code text} (special-token markers are counted as ordinary text). */
    public int countText(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return Holder.O200K.countTokensOrdinary(text);
    }

    /** The estimate of a request's input, corrected for its model. */
    public TokenEstimate estimate(ChatRequest request) {
        return estimate(request.model(), request.messages());
    }

    /** The estimate of {@code messages} sent to {@code model}, corrected for it. */
    public TokenEstimate estimate(String model, List<Message> messages) {
        Objects.requireNonNull(messages, "messages");
        int raw = REPLY_PRIMING;
        for (Message m : messages) {
            raw += TOKENS_PER_MESSAGE + countText(m.role().name().toLowerCase(Locale.ROOT)) + countText(m.content());
            for (ToolCall call : m.toolCalls()) {
                raw += countText(call.name()) + countText(call.arguments());
            }
            if (m.toolCallId() != null) {
                raw += countText(m.toolCallId());
            }
        }
        return corrected(model, raw);
    }

    /** The estimate of plain text sent to {@code model} (no message overhead), corrected for it. */
    public TokenEstimate estimateText(String model, String text) {
        return corrected(model, countText(text));
    }

    /** Records that a raw estimate of {@code rawEstimated} tokens was billed as {@code actualPromptTokens}. */
    public void observe(String model, long rawEstimated, long actualPromptTokens) {
        if (rawEstimated <= 0 || actualPromptTokens <= 0) {
            return;
        }
        double observed = (double) actualPromptTokens / rawEstimated;
        ratios.merge(key(model), observed, (old, obs) -> old + alpha * (obs - old));
    }

    /** Same as {@link #observe(String, long, long)} with the estimate's raw count. */
    public void observe(String model, TokenEstimate estimate, long actualPromptTokens) {
        observe(model, estimate.rawTokens(), actualPromptTokens);
    }

    /** The current correction factor for {@code model} (1.0 before any observation). */
    public double correction(String model) {
        return ratios.getOrDefault(key(model), 1.0);
    }

    private TokenEstimate corrected(String model, int raw) {
        double c = correction(model);
        int tokens = (int) Math.min(Integer.MAX_VALUE, Math.round(raw * c));
        return new TokenEstimate(tokens, true, raw, c);
    }

    private static String key(String model) {
        return model == null ? "" : model.trim().toLowerCase(Locale.ROOT);
    }
}
