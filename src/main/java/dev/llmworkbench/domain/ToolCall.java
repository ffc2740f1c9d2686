package dev.llmworkbench.domain;

import java.util.Objects;

/**
 * One whole tool call the model asked for: {@code arguments} is the JSON text exactly as the model
 * produced it (it may be invalid JSON; the caller decides what to do with that).
 */
public record ToolCall(int index, String id, String type, String name, String arguments) {
    public ToolCall {
        type = type == null ? "function" : type;
        name = Objects.requireNonNullElse(name, "");
        arguments = Objects.requireNonNullElse(arguments, "");
    }
}
