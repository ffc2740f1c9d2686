package dev.llmworkbench;

import dev.llmworkbench.cli.Cli;
import dev.llmworkbench.ui.app.Launcher;

/**
 * The jar's entry point: no arguments (or only desktop options such as {@code --smoke-test}) opens
 * the desktop app, a command name runs that command of the command line, {@code --version} prints
 * the version.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // a command, --help or --version (which prints "LLM Workbench <version>") go to the command line
        if (Cli.isCommandLine(args)) {
            System.exit(Cli.run(args));
        }
        String noDisplay = Launcher.whyNoDisplay();
        if (noDisplay != null) {
            System.exit(Cli.usageError(noDisplay));
        }
        Launcher.main(args);
    }
}
