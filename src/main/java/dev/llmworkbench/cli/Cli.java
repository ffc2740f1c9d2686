package dev.llmworkbench.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The command line's entry: builds the picocli command tree and runs it. */
public final class Cli {
    private Cli() {
    }

    /** True when {@code args} name a command (anything but desktop options). */
    public static boolean isCommandLine(String[] args) {
        if (args.length == 0) {
            return false;
        }
        String first = args[0];
        return !first.startsWith("-") || first.equals("--help") || first.equals("-h")
                || first.equals("--version") || first.equals("-V");
    }

    /** Prints one clear line on stderr and returns the wrong-usage exit code (2). */
    public static int usageError(String message) {
        System.err.println("error: " + message);
        return ExitCodes.USAGE;
    }

    /**
     * Runs the command line and returns the exit code (0 ok, 1 request failed, 2 wrong usage). Standard
     * output and error are UTF-8 whatever the locale (cron, systemd and containers often have none, which
     * made Java write every non-ASCII character as '?': JSON that had lost data).
     */
    public static int run(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(out);
        System.setErr(err);
        // warnings and their stack traces go to the data folder's logs/cli.log, not the terminal
        CliLog.install(CliServices::dataFolder);
        CommandLine cl = newCommandLine();
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = Converters.register(new CommandLine(new RootCommand()));
        cl.setExitCodeExceptionMapper(t -> ExitCodes.USAGE);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + Converters.message(ex));
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + ex.getMessage());
            return ex instanceof UsageException ? ExitCodes.USAGE : ExitCodes.FAILED;
        });
        return cl;
    }
}
