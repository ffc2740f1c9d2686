package dev.llmworkbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The command line's log: warnings and errors with their details go to {@code logs/cli.log} in the data folder
 * (made, owner-only, on the first record), never to the terminal, where each command says what went wrong in
 * one plain line of its own (issue 14: no stack trace on stderr).
 */
final class CliLog extends Handler {
    private final Supplier<Path> folder;
    private FileHandler file;
    private boolean failed;

    private CliLog(Supplier<Path> folder) {
        this.folder = folder;
        setLevel(Level.WARNING);
    }

    /** Replaces the JVM's console logging with this file (the process's entry point calls it once). */
    static void install(Supplier<Path> dataFolder) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new CliLog(dataFolder));
    }

    @Override
    public synchronized void publish(LogRecord r) {
        if (!isLoggable(r) || failed) {
            return;
        }
        try {
            if (file == null) {
                Path dir = folder.get().resolve("logs");
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: its own rules apply
                }
                file = new FileHandler(dir.resolve("cli.log").toString(), 1_000_000, 3, true);
                file.setFormatter(new SimpleFormatter());
                file.setLevel(Level.WARNING);
            }
            file.publish(r);
            file.flush();
        } catch (IOException | RuntimeException e) {
            failed = true; // no log is no reason to fail a command
        }
    }

    @Override
    public synchronized void flush() {
        if (file != null) {
            file.flush();
        }
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            file.close();
        }
    }
}
