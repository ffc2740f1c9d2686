package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Issue 14: storage errors in plain words, each named as such, with the file. */
class StoreExceptionTest {
    private static String words(SQLiteErrorCode code) {
        return StoreException.of(Path.of("/data/wb.db"), new SQLiteException("[" + code + "] raw", code)).getMessage();
    }

    @Test
    void eachStorageFailureIsSaidAsWhatItIs() {
        assertThat(words(SQLiteErrorCode.SQLITE_FULL)).startsWith("the disk is full: cannot write the database /data/wb.db");
        assertThat(words(SQLiteErrorCode.SQLITE_IOERR_WRITE)).startsWith("cannot read or write the database /data/wb.db");
        assertThat(words(SQLiteErrorCode.SQLITE_READONLY)).isEqualTo(
                "the database /data/wb.db is read-only: its file or folder cannot be written (nothing already stored is lost)");
        assertThat(words(SQLiteErrorCode.SQLITE_BUSY)).contains("is locked by another program");
        assertThat(words(SQLiteErrorCode.SQLITE_NOTADB)).isEqualTo("/data/wb.db is not a database (or is encrypted)");
        assertThat(words(SQLiteErrorCode.SQLITE_CORRUPT)).contains("is damaged");
        assertThat(words(SQLiteErrorCode.SQLITE_CANTOPEN)).contains("cannot open the database /data/wb.db");
        assertThat(words(SQLiteErrorCode.SQLITE_CONSTRAINT)).startsWith("database error in /data/wb.db: ");
        assertThat(words(SQLiteErrorCode.SQLITE_FULL)).doesNotContain("\n").doesNotContain("Exception");
    }
}
