package dev.llmworkbench.cli;

/** Wrong usage (missing key, unreadable file, bad value): exit code 2 with one clear line. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
