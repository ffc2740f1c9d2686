package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.resilience.RetryPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import picocli.CommandLine;

/** Runs the command line in-process and captures its output. */
final class CliRun {
    /** Small waits so that retries take real but short time in tests. */
    static final RetryPolicy FAST_RETRIES = new RetryPolicy(12, Duration.ofMillis(2), Duration.ofMillis(20),
            Duration.ofSeconds(5), false, () -> 0.5);

    record Result(int code, String out, String err) {
        int exit() {
            return code;
        }

        JsonObject json() {
            return JsonParser.parseString(out.trim()).getAsJsonObject();
        }
    }

    private CliRun() {
    }

    /** With the command's own retry policy (the default one). */
    static Result of(String... args) {
        return execute(null, args);
    }

    /** With {@link #FAST_RETRIES} for batches. */
    static Result run(String... args) {
        return run(FAST_RETRIES, args);
    }

    static Result run(RetryPolicy retry, String... args) {
        return execute(retry, args);
    }

    private static Result execute(RetryPolicy retry, String... args) {
        CommandLine cl = Cli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        if (retry != null) {
            ((BatchCommand) cl.getSubcommands().get("batch").getCommand()).servicesFactory =
                    () -> new CliServices().withRetryPolicy(retry);
        }
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
