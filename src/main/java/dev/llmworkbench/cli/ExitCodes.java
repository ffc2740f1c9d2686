package dev.llmworkbench.cli;

/**
 * Exit codes of every command: 0 success, 1 the request (or a row) failed, 2 wrong usage or nothing usable.
 *
 * <p>One rule for every command that reads rows ({@code batch}, {@code batch --resume}, {@code batch --dry-run},
 * {@code estimate --input}): {@link #OK} when every row is done (estimates and dry runs: every row valid and
 * estimated); {@link #FAILED} when any row is invalid, failed or not run, with the counts on stderr in one line
 * ({@link #rowCounts}, {@link #estimatedCounts}); {@link #USAGE} for bad flags, an empty input (no rows at all,
 * or only a header), a missing, unreadable, binary or UTF-16 input, a CSV header without a {@code prompt} column
 * and a {@code --db} that is not a database. A row that cannot be read (a bad byte, a line over
 * {@code --max-line-bytes}, a JSON value of the wrong type) is an invalid row, not a reason to stop: 1. Every
 * failure is said in one plain line on stderr.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private ExitCodes() {
    }

    /** The exit code of a run over rows: {@link #OK} only when no row is failed, not run or invalid. */
    static int forRows(int done, int failed, int notRun, int invalid) {
        return failed == 0 && notRun == 0 && invalid == 0 ? OK : FAILED;
    }

    /** The counts line of a run: {@code rows: 57 done, 1 failed, 2 not run, 1 invalid}. */
    static String rowCounts(int done, int failed, int notRun, int invalid) {
        return "rows: " + done + " done, " + failed + " failed, " + notRun + " not run, " + invalid + " invalid";
    }

    /** The counts line of an estimate or a dry run: {@code rows: 57 estimated, 1 invalid}. */
    static String estimatedCounts(int estimated, int invalid) {
        return "rows: " + estimated + " estimated, " + invalid + " invalid";
    }
}
