package dev.llmworkbench.domain;

import java.util.Locale;

/** The author of a chat message, as the OpenAI wire format names it. */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL;

    /** The wire name: {@code system}, {@code user}, {@code assistant}, {@code tool}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String name) {
        return Role.valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
