package dev.llmworkbench;

import dev.llmworkbench.cli.Cli;
import dev.llmworkbench.ui.app.Launcher;

/**
 * The jar's entry point: no arguments (or only desktop options such as {@code --smoke-test}) opens
 * the desktop app, a command name runs that command of the command line.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (Cli.isCommandLine(args)) {
            System.exit(Cli.run(args));
        }
        Launcher.main(args);
    }
}
