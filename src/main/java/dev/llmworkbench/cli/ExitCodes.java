package dev.llmworkbench.cli;

/** Exit codes of every command: 0 success, 1 the request (or a row) failed, 2 wrong usage. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
