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
        // "--version" (alone) prints "LLM Workbench <version>" through the command line and exits 0
        if (Cli.isCommandLine(args) || (args.length == 1 && "--version".equals(args[0]))) {
            System.exit(Cli.run(args));
        }
        Launcher.main(args);
    }
}
