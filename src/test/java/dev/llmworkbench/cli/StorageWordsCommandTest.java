package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: a database that is not one is said so in one line; a folder the command line makes is owner-only. */
class StorageWordsCommandTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotADatabaseIsSaidSoInOneLine() throws Exception {
        Path garbage = dir.resolve("garbage.db");
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        Files.write(garbage, noise);
        CliRun.Result r = CliRun.run("history", "--db", garbage.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: " + garbage.toAbsolutePath().normalize()
                + " is not a database (or is encrypted)");
        assertThat(Files.readAllBytes(garbage)).isEqualTo(noise); // left untouched
    }

    @Test
    void theFolderOfANewDatabaseIsMadeOwnerOnly() throws Exception {
        Path db = dir.resolve("fresh").resolve("wb.db");
        CliRun.Result r = CliRun.run("chat", "--db", db.toString(), "--max-tokens", "5", "hello");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
    }
}
