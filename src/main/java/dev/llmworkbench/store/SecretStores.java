package dev.llmworkbench.store;

import java.util.Objects;
import java.util.Optional;

/** Picks where secrets go: the OS keyring when one answers, else the owner-only file. */
public final class SecretStores {
    private SecretStores() {
    }

    /**
     * The choice and why, for the app to show.
     *
     * @param why null when the keyring was chosen, else why it was not
     */
    public record Selection(SecretStore store, String why) {
        /** One line for a person: where keys are kept and, for the file, why. */
        public String describe() {
            return why == null ? "API keys are kept in the " + store.description()
                    : "API keys are kept in a " + store.description() + " (OS keyring not used: " + why + ")";
        }
    }

    /** The keyring if it answers, else {@code fallback}. */
    public static Selection choose(KeyringSecretStore keyring, FileSecretStore fallback) {
        Objects.requireNonNull(fallback, "fallback");
        if (keyring == null) {
            return new Selection(fallback, "no keyring configured");
        }
        Optional<String> reason = keyring.unavailableReason();
        return reason.isEmpty() ? new Selection(keyring, null) : new Selection(fallback, reason.get());
    }

    /**
     * The system property that keeps keys out of the OS keyring when set to {@code off} (tests: they never touch
     * the user's real keyring, only the owner-only file of their own data folder).
     */
    public static final String KEYRING_PROPERTY = "llmworkbench.keyring";

    /**
     * {@code secret-tool} from the PATH, else {@code secrets.json} in the data folder; always the file when the
     * system property {@value #KEYRING_PROPERTY} is {@code off}.
     */
    public static Selection chooseDefault(DataDirs dirs) {
        FileSecretStore file = new FileSecretStore(dirs.secretsFile());
        if ("off".equalsIgnoreCase(System.getProperty(KEYRING_PROPERTY, "").trim())) {
            return new Selection(file, KEYRING_PROPERTY + "=off");
        }
        return choose(new KeyringSecretStore(), file);
    }
}
