package dev.llmworkbench.domain;

import java.util.Objects;

/**
 * A function the model may call. {@code parametersJson} is a JSON Schema object as text
 * (null means "no parameters").
 */
public record ToolSpec(String name, String description, String parametersJson) {
    public ToolSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("tool name must not be blank");
        }
    }
}
