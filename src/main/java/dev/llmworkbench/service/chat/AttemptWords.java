package dev.llmworkbench.service.chat;

import dev.llmworkbench.cost.TokenEstimate;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.Usage;

/** What one attempt of a request produced, in figures and in words, for {@link ChatService}. */
final class AttemptWords {
    private AttemptWords() {
    }

    /** What went wrong in one attempt, in words: a cut stream says how much had arrived. */
    static String happened(ApiError e, Completion c) {
        if (c.hasOutput() && (e.kind() == ApiError.Kind.NETWORK || e.kind() == ApiError.Kind.TIMEOUT)) {
            int chars = c.text().length() + c.reasoning().length();
            return "the stream was cut after " + chars + " character" + (chars == 1 ? "" : "s") + " ("
                    + e.message() + ")";
        }
        return e.message();
    }

    /**
     * Usage as reported, or estimated when the server gave none (marked estimated), the output counted with
     * {@code model}'s own tokenizer.
     */
    static Usage usage(Completion c, TokenEstimate input, TokenEstimator estimator, String model) {
        Usage u = c.usage();
        if (u != null && u.completionTokens() != null && u.promptTokens() != null) {
            if (u.reasoningTokens() == null && !c.reasoning().isEmpty()) {
                return u.withEstimatedReasoning(estimator.countText(model, c.reasoning()));
            }
            return u;
        }
        int prompt = u != null && u.promptTokens() != null ? u.promptTokens() : input.tokens();
        int reasoningCounted = estimator.countText(model, c.reasoning());
        int completion = u != null && u.completionTokens() != null ? u.completionTokens()
                : estimator.countText(model, c.text()) + reasoningCounted + toolCallTokens(c, estimator, model);
        int reasoning = u != null && u.reasoningTokens() != null ? u.reasoningTokens() : reasoningCounted;
        return new Usage(prompt, completion, prompt + completion, reasoning, u == null ? null : u.cachedTokens(), true);
    }

    private static int toolCallTokens(Completion c, TokenEstimator estimator, String model) {
        int n = 0;
        for (ToolCall t : c.toolCalls()) {
            n += estimator.countText(model, t.name()) + estimator.countText(model, t.arguments());
        }
        return n;
    }
}
