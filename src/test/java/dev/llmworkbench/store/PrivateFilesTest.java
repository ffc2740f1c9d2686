package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: other local users must not read the prompts and answers in the data folder. */
class PrivateFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewDataFolderAndDatabaseAreOwnerOnly() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path data = dir.resolve(DataDirs.APP_DIR);
        Path file = data.resolve(DataDirs.DATABASE_FILE);
        try (Database db = Database.open(file)) {
            db.write(c -> {
                try (var st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)");
                    st.execute("INSERT INTO t VALUES (1)");
                }
                return null;
            });
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(file)).isEqualTo("rw-------");
            assertThat(mode(data.resolve(DataDirs.DATABASE_FILE + "-wal"))).isEqualTo("rw-------");
        }
    }

    @Test
    void anExistingLooseDataFolderAndDatabaseAreTightened() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path data = Files.createDirectory(dir.resolve(DataDirs.APP_DIR));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = data.resolve(DataDirs.DATABASE_FILE);
        Database.open(file).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Database.open(file).close();
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void aFolderThatIsNotTheAppsIsLeftAsItIs() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Database.open(shared.resolve("my.db")).close();
        assertThat(mode(shared)).isEqualTo("rwxr-xr-x");
        assertThat(mode(shared.resolve("my.db"))).isEqualTo("rw-------");
    }
}
