package dev.llmworkbench.cli;

/**
 * Wrong usage or nothing usable (bad value, missing key, empty, missing or unreadable input file, a {@code --db}
 * that is not a database): exit code 2 with one clear line. The message is kept to one line.
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(oneLine(message));
    }

    /** {@code text} on one line: line breaks become "; ", surrounding white space is dropped. */
    static String oneLine(String text) {
        if (text == null) {
            return "wrong usage";
        }
        return text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
