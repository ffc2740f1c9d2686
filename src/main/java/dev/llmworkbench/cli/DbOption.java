package dev.llmworkbench.cli;

import picocli.CommandLine.Option;

/**
 * {@code --db FILE}: the database (default: in the user's data folder, see {@link CliServices#database}). A
 * command may word the description its own way with the key {@code db} in its resource bundle
 * ({@link OptionTexts}).
 */
public final class DbOption {
    @Option(names = "--db", paramLabel = "FILE", descriptionKey = "db",
            description = "the database (default: in the user's data folder)")
    String db;

    /** The file given with {@code --db}, or null for the default one. */
    String file() {
        return db;
    }
}
