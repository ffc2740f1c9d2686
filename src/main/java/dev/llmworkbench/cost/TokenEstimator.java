package dev.llmworkbench.cost;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.ToolCall;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates a request's input tokens before sending with the model's own tokenizer ({@link #tokenizerFor}: the
 * one the price catalogue names for it, else the one its name implies, {@link Tokenizer#forModelName}).
 *
 * <ul>
 *   <li>{@link Tokenizer#QWEN3}: the chat as Qwen's template renders it, counted exactly: each message
 *       {@code <|im_start|>role\ncontent<|im_end|>\n}, tool calls as {@code <tool_call>\n{"name": …,
 *       "arguments": …}\n</tool_call>}, tool results as {@code <tool_response>} blocks in a user turn, and
 *       {@code <|im_start|>assistant\n} for the reply. Not counted: tool definitions and the template's
 *       empty {@code <think>} block when thinking is off.</li>
 *   <li>OpenAI's encodings (o200k, cl100k): the text of each message plus {@value #TOKENS_PER_MESSAGE}
 *       tokens of overhead per message and {@value #REPLY_PRIMING} for the reply (OpenAI's chat format).</li>
 * </ul>
 *
 * <p>The estimate is corrected per model by the ratio between real {@code usage.prompt_tokens} and our raw
 * estimates, kept as an exponential moving average ({@code ratio ← ratio + α·(observed − ratio)}; the first
 * observation sets it). Thread-safe. Each tokenizer is loaded once, lazily, and shared.
 */
public final class TokenEstimator {
    public static final int TOKENS_PER_MESSAGE = 3;
    public static final int REPLY_PRIMING = 3;
    public static final double DEFAULT_ALPHA = 0.3;

    private final double alpha;
    private final Map<String, Double> ratios = new ConcurrentHashMap<>();
    private volatile PriceCatalogue catalogue;
    /**
     * The raw count of the last messages counted: a benchmark sends the same prompt thousands of times, and each
     * request is estimated before it is sent. One entry, replaced whole (no lock); the correction is applied after.
     */
    private volatile Counted last;

    private record Counted(Tokenizer tokenizer, List<Message> messages, int raw) {
    }

    /** An estimator that picks each model's tokenizer by its name alone ({@link Tokenizer#forModelName}). */
    public TokenEstimator() {
        this(DEFAULT_ALPHA);
    }

    /** @param alpha the weight of each new observation in the moving average, in (0, 1] */
    public TokenEstimator(double alpha) {
        this(null, alpha);
    }

    /** An estimator that takes each model's tokenizer from {@code catalogue} ({@link PriceCatalogue#tokenizerFor}). */
    public TokenEstimator(PriceCatalogue catalogue) {
        this(catalogue, DEFAULT_ALPHA);
    }

    /**
     * @param catalogue names each model's tokenizer; null = by the model's name alone
     * @param alpha     the weight of each new observation in the moving average, in (0, 1]
     */
    public TokenEstimator(PriceCatalogue catalogue, double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        this.alpha = alpha;
        this.catalogue = catalogue;
    }

    /** Takes the models' tokenizers from {@code catalogue} from now on (null = by the models' names). */
    public void useCatalogue(PriceCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The tokenizer {@code model}'s text is counted with. */
    public Tokenizer tokenizerFor(String model) {
        PriceCatalogue c = catalogue;
        return c != null ? c.tokenizerFor(model) : Tokenizer.forModelName(model);
    }

    /** The plain o200k token count of {@code text} (special-token markers are counted as ordinary text). */
    public int countText(String text) {
        return Tokenizer.O200K.count(text);
    }

    /** The token count of {@code text} with {@code model}'s own tokenizer ({@link #tokenizerFor}). */
    public int countText(String model, String text) {
        return tokenizerFor(model).count(text);
    }

    /** The estimate of a request's input, corrected for its model. */
    public TokenEstimate estimate(ChatRequest request) {
        return estimate(request.model(), request.messages());
    }

    /** The estimate of {@code messages} sent to {@code model}, corrected for it. */
    public TokenEstimate estimate(String model, List<Message> messages) {
        Objects.requireNonNull(messages, "messages");
        Tokenizer t = tokenizerFor(model);
        Counted c = last;
        if (c != null && c.tokenizer() == t && c.messages().equals(messages)) {
            return corrected(model, c.raw(), t);
        }
        int raw = rawCount(t, messages);
        last = new Counted(t, List.copyOf(messages), raw);
        return corrected(model, raw, t);
    }

    private static int rawCount(Tokenizer t, List<Message> messages) {
        if (t == Tokenizer.QWEN3) {
            return t.count(qwenChat(messages));
        }
        int raw = REPLY_PRIMING;
        for (Message m : messages) {
            raw += TOKENS_PER_MESSAGE + t.count(m.role().name().toLowerCase(Locale.ROOT)) + t.count(m.content());
            for (ToolCall call : m.toolCalls()) {
                raw += t.count(call.name()) + t.count(call.arguments());
            }
            if (m.toolCallId() != null) {
                raw += t.count(m.toolCallId());
            }
        }
        return raw;
    }

    /** {@code messages} as Qwen's chat template renders them (tool definitions left out), with the reply's start. */
    static String qwenChat(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        boolean inToolTurn = false;
        for (Message m : messages) {
            String content = m.content() == null ? "" : m.content();
            if (m.role() == Role.TOOL) {
                sb.append(inToolTurn ? "\n" : "<|im_start|>user\n");
                sb.append("<tool_response>\n").append(content).append("\n</tool_response>");
                inToolTurn = true;
                continue;
            }
            if (inToolTurn) {
                sb.append("<|im_end|>\n");
                inToolTurn = false;
            }
            sb.append("<|im_start|>").append(m.role().name().toLowerCase(Locale.ROOT)).append('\n').append(content);
            for (ToolCall call : m.toolCalls()) {
                sb.append(content.isEmpty() && call == m.toolCalls().get(0) ? "" : "\n")
                        .append("<tool_call>\n{\"name\": \"").append(call.name()).append("\", \"arguments\": ")
                        .append(call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments())
                        .append("}\n</tool_call>");
            }
            sb.append("<|im_end|>\n");
        }
        if (inToolTurn) {
            sb.append("<|im_end|>\n");
        }
        return sb.append("<|im_start|>assistant\n").toString();
    }

    /** The estimate of plain text sent to {@code model} (no message overhead), counted with its tokenizer, corrected. */
    public TokenEstimate estimateText(String model, String text) {
        Tokenizer t = tokenizerFor(model);
        return corrected(model, t.count(text), t);
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

    private TokenEstimate corrected(String model, int raw, Tokenizer tokenizer) {
        double c = correction(model);
        int tokens = (int) Math.min(Integer.MAX_VALUE, Math.round(raw * c));
        return new TokenEstimate(tokens, true, raw, c, tokenizer.id());
    }

    private static String key(String model) {
        return model == null ? "" : model.trim().toLowerCase(Locale.ROOT);
    }
}
