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
}
