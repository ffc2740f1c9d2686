package dev.llmworkbench.cli;

import picocli.CommandLine.Option;

/**
 * {@code --json}: print JSON instead of text. A command may word the description its own way with the key
 * {@code json} in its resource bundle ({@link OptionTexts}).
 */
public final class JsonOption {
    @Option(names = "--json", descriptionKey = "json", description = "print JSON")
    boolean json;

    /** True when {@code --json} was given. */
    boolean requested() {
        return json;
    }
}
