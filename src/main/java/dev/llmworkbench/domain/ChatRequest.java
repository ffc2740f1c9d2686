package dev.llmworkbench.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One chat-completion request, as the app means it. Null fields are not sent. {@code enableThinking}
 * and {@code thinkingBudget} are Qwen3's top-level body fields ({@code enable_thinking},
 * {@code thinking_budget}); {@code extraBody} holds further top-level fields (plain Java values).
 * Build with {@link #builder(String)}.
 */
public record ChatRequest(String model, List<Message> messages, Double temperature, Double topP,
                          Integer maxTokens, List<String> stop, Long seed, boolean stream,
                          boolean includeUsage, Boolean enableThinking, Integer thinkingBudget,
                          ResponseFormat responseFormat, List<ToolSpec> tools, String toolChoice,
                          Map<String, Object> extraBody) {
    public ChatRequest {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        extraBody = extraBody == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraBody));
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], was " + topP);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, was " + maxTokens);
        }
        if (thinkingBudget != null && thinkingBudget < 1) {
            throw new IllegalArgumentException("thinking_budget must be at least 1, was " + thinkingBudget);
        }
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    public Builder toBuilder() {
        Builder b = new Builder(model);
        b.messages.addAll(messages);
        b.temperature = temperature;
        b.topP = topP;
        b.maxTokens = maxTokens;
        b.stop = stop;
        b.seed = seed;
        b.stream = stream;
        b.includeUsage = includeUsage;
        b.enableThinking = enableThinking;
        b.thinkingBudget = thinkingBudget;
        b.responseFormat = responseFormat;
        b.tools = tools;
        b.toolChoice = toolChoice;
        b.extraBody.putAll(extraBody);
        return b;
    }

    /** The concatenated text of all messages (for token estimates). */
    public String allText() {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            sb.append(m.content()).append('\n');
        }
        return sb.toString();
    }

    public static final class Builder {
        private String model;
        private final List<Message> messages = new ArrayList<>();
        private Double temperature;
        private Double topP;
        private Integer maxTokens;
        private List<String> stop = List.of();
        private Long seed;
        private boolean stream = true;
        private boolean includeUsage = true;
        private Boolean enableThinking;
        private Integer thinkingBudget;
        private ResponseFormat responseFormat;
        private List<ToolSpec> tools = List.of();
        private String toolChoice;
        private final Map<String, Object> extraBody = new LinkedHashMap<>();

        private Builder(String model) {
            this.model = model;
        }

        public Builder model(String m) { this.model = m; return this; }
        public Builder system(String text) { messages.add(Message.system(text)); return this; }
        public Builder user(String text) { messages.add(Message.user(text)); return this; }
        public Builder assistant(String text) { messages.add(Message.assistant(text)); return this; }
        public Builder message(Message m) { messages.add(m); return this; }
        public Builder messages(List<Message> ms) { messages.clear(); messages.addAll(ms); return this; }
        public Builder temperature(Double t) { this.temperature = t; return this; }
        public Builder topP(Double p) { this.topP = p; return this; }
        public Builder maxTokens(Integer n) { this.maxTokens = n; return this; }
        public Builder stop(List<String> s) { this.stop = s; return this; }
        public Builder seed(Long s) { this.seed = s; return this; }
        public Builder stream(boolean s) { this.stream = s; return this; }
        public Builder includeUsage(boolean u) { this.includeUsage = u; return this; }
        public Builder enableThinking(Boolean t) { this.enableThinking = t; return this; }
        public Builder thinkingBudget(Integer b) { this.thinkingBudget = b; return this; }
        public Builder responseFormat(ResponseFormat f) { this.responseFormat = f; return this; }
        public Builder tools(List<ToolSpec> t) { this.tools = t; return this; }
        public Builder toolChoice(String c) { this.toolChoice = c; return this; }
        public Builder extra(String key, Object value) { extraBody.put(key, value); return this; }

        public ChatRequest build() {
            return new ChatRequest(model, messages, temperature, topP, maxTokens, stop, seed, stream,
                    includeUsage, enableThinking, thinkingBudget, responseFormat, tools, toolChoice, extraBody);
        }
    }
}
