package dev.llmworkbench.store;

/** A failure of the local database or secret store (unchecked; wraps {@link java.sql.SQLException}). */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }

    /**
     * A database failure in plain words, one line, naming the file and what to do: the disk is full, the file
     * is read-only, locked by another program, not a database, damaged, or cannot be opened; other SQLite
     * errors keep their own message. Nothing committed before is lost in any of these cases.
     */
    public static StoreException of(java.nio.file.Path file, java.sql.SQLException e) {
        int code = primaryCode(e);
        String f = String.valueOf(file);
        String words = switch (code) {
            case 13 -> "the disk is full: cannot write the database " + f
                    + " (nothing already stored is lost; free some space first)";
            case 8 -> "the database " + f + " is read-only: its file or folder cannot be written"
                    + " (nothing already stored is lost)";
            case 5, 6 -> "the database " + f + " is locked by another program; close it or try again";
            case 26 -> f + " is not a database (or is encrypted)";
            case 11 -> "the database " + f + " is damaged; open a copy or move it away to start a new one";
            case 14 -> "cannot open the database " + f + ": its folder is missing or not writable";
            case 10 -> "cannot read or write the database " + f + " (an input/output error: is the disk full or gone?)";
            default -> "database error in " + f + ": " + e.getMessage();
        };
        return new StoreException(words, e);
    }

    /** SQLite's primary result code of {@code e} (its low byte), or -1. */
    static int primaryCode(java.sql.SQLException e) {
        if (e instanceof org.sqlite.SQLiteException s && s.getResultCode() != null) {
            return s.getResultCode().code & 0xff;
        }
        return e.getErrorCode() > 0 ? e.getErrorCode() & 0xff : -1;
    }
}
