package dev.llmworkbench.domain;

import java.util.List;
import java.util.Objects;

/**
 * One chat message. {@code toolCalls} is set on assistant messages that asked for tools,
 * {@code toolCallId} on {@link Role#TOOL} messages that answer one.
 */
public record Message(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {
    public Message {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, List.of(), null);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content, List.of(), null);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content, List.of(), null);
    }

    public static Message tool(String toolCallId, String content) {
        return new Message(Role.TOOL, content, List.of(), toolCallId);
    }
}
