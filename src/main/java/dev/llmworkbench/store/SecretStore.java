package dev.llmworkbench.store;

import java.util.Optional;

/**
 * Where API keys live, by reference name (a profile's {@code keyRef} names one). Never the database.
 * Implementations never log, print or put a secret into an exception.
 */
public interface SecretStore {
    /** Stores (or replaces) the secret under {@code ref}. */
    void store(String ref, String secret);

    Optional<String> load(String ref);

    /** Removes the secret; returns whether there was one (where the store can tell). */
    boolean delete(String ref);

    /** Where secrets go, for a person: e.g. "OS keyring (Secret Service)". */
    String description();
}
