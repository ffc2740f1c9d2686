package dev.llmworkbench.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Private by default (issue 14): every prompt and answer is in the database, so on POSIX systems the data
 * folder is created 0700 and the database 0600 (SQLite gives its -wal and -shm files the database's mode).
 * The app's own data folder, found with looser modes, is tightened once, with a line in the log. Elsewhere
 * (Windows) the user's profile folder already keeps other users out.
 */
final class Private {
    private static final Logger LOG = Logger.getLogger(Private.class.getName());
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private Private() {
    }

    /** Creates the folder (and its parents) when missing, the last one owner-only; tightens the app's data folder. */
    static void folder(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            if (POSIX && DataDirs.APP_DIR.equals(String.valueOf(dir.getFileName()))) {
                Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
                if (!OWNER_DIR.containsAll(now)) {
                    Files.setPosixFilePermissions(dir, OWNER_DIR);
                    LOG.info("the data folder " + dir + " was readable by other users ("
                            + PosixFilePermissions.toString(now) + "); it is now rwx------");
                }
            }
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        if (POSIX) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } else {
            Files.createDirectory(dir);
        }
    }

    /** Creates the file owner-only when missing (an existing one is left as it is: it may not be ours). */
    static void createFile(Path file) throws IOException {
        if (POSIX && Files.notExists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        }
    }

    /** Makes the database and its -wal and -shm files owner-only (once it opened as a database). */
    static void tighten(Path database) {
        if (!POSIX) {
            return;
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path f = database.resolveSibling(database.getFileName() + suffix);
            try {
                if (Files.isRegularFile(f) && !OWNER_FILE.containsAll(Files.getPosixFilePermissions(f))) {
                    Files.setPosixFilePermissions(f, OWNER_FILE);
                }
            } catch (IOException e) {
                LOG.warning("could not make " + f + " private: " + e.getMessage());
            }
        }
    }
}
