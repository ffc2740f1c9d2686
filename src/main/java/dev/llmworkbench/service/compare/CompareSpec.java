package dev.llmworkbench.service.compare;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.playground.PromptTemplates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One comparison: what every lane is sent (a system prompt, the earlier turns of a conversation and the prompt, each
 * a template whose {@code {{variables}}} are filled from {@code variables}) and each lane's provider, model and
 * parameters. Turns into each lane's request ({@link #request(int)}) and into an evaluation grid
 * ({@link CompareEvaluation}). Immutable.
 *
 * @param systemPrompt the system prompt ("" or null: none)
 * @param conversation earlier turns, user and assistant, sent before the prompt (templates too)
 */
public record CompareSpec(String systemPrompt, List<Message> conversation, String prompt, Map<String, String> variables,
                          List<Lane> lanes) {
    public CompareSpec {
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        conversation = conversation == null ? List.of() : List.copyOf(conversation);
        Objects.requireNonNull(prompt, "prompt");
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("write the prompt every lane gets");
        }
        variables = variables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        lanes = List.copyOf(lanes);
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one lane");
        }
        for (Message m : conversation) {
            if (m.role() != Role.USER && m.role() != Role.ASSISTANT) {
                throw new IllegalArgumentException("a conversation's turns are the user's and the assistant's, not "
                        + m.role().wireName());
            }
        }
    }

    /**
     * A lane: its provider and model, and the parameters it sends (null: not sent, the server's default).
     * {@code thinking} is sent as on or off in the provider's dialect; the budget only with thinking on.
     */
    public record Lane(ProviderProfile profile, String model, Double temperature, Double topP, Integer maxTokens,
                       boolean thinking, Integer thinkingBudget) {
        public Lane {
            Objects.requireNonNull(profile, "profile");
            model = model == null ? "" : model.trim();
            if (model.isEmpty()) {
                throw new IllegalArgumentException("choose a model");
            }
            if (temperature != null && (temperature < 0 || temperature > 2)) {
                throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
            }
            if (topP != null && (topP <= 0 || topP > 1)) {
                throw new IllegalArgumentException("top_p must be in (0, 1], was " + topP);
            }
            if (maxTokens != null && maxTokens < 1) {
                throw new IllegalArgumentException("max tokens must be at least 1, was " + maxTokens);
            }
            if (thinkingBudget != null && thinkingBudget < 1) {
                throw new IllegalArgumentException("the thinking budget must be at least 1, was " + thinkingBudget);
            }
        }

        /** The parameters in words ("temperature 0.2 · thinking on, budget 512"), for headings. */
        public String parameters() {
            List<String> p = new ArrayList<>();
            if (temperature != null) {
                p.add("temperature " + temperature);
            }
            if (topP != null) {
                p.add("top_p " + topP);
            }
            if (maxTokens != null) {
                p.add("max tokens " + maxTokens);
            }
            p.add(thinking ? "thinking on" + (thinkingBudget == null ? "" : ", budget " + thinkingBudget)
                    : "thinking off");
            return String.join(" · ", p);
        }
    }

    /** The messages every lane sends: the system prompt, the conversation, the prompt; variables filled. */
    public List<Message> messages() {
        List<Message> out = new ArrayList<>();
        if (!systemPrompt.isBlank()) {
            out.add(Message.system(PromptTemplates.fill(systemPrompt, variables)));
        }
        for (Message m : conversation) {
            out.add(new Message(m.role(), PromptTemplates.fill(m.content(), variables), List.of(), null));
        }
        out.add(Message.user(PromptTemplates.fill(prompt, variables)));
        return out;
    }

    /** Lane {@code i}'s request: the shared messages with the lane's model and parameters, streamed. */
    public ChatRequest request(int i) {
        Lane l = lanes.get(i);
        ChatRequest.Builder b = ChatRequest.builder(l.model()).messages(messages()).stream(true)
                .temperature(l.temperature()).topP(l.topP()).maxTokens(l.maxTokens()).enableThinking(l.thinking());
        if (l.thinking()) {
            b.thinkingBudget(l.thinkingBudget());
        }
        return b.build();
    }

    /** The names of the variables the texts use, in order of first appearance. */
    public static List<String> variableNames(String systemPrompt, List<Message> conversation, String prompt) {
        List<String> texts = new ArrayList<>();
        texts.add(systemPrompt == null ? "" : systemPrompt);
        if (conversation != null) {
            conversation.forEach(m -> texts.add(m.content()));
        }
        texts.add(prompt == null ? "" : prompt);
        return PromptTemplates.variables(texts.toArray(String[]::new));
    }
}
