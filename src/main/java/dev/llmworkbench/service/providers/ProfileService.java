package dev.llmworkbench.service.providers;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.store.ProfileStore;
import dev.llmworkbench.store.SecretStore;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Saved provider profiles with their keys: a profile (no secret) from the {@link ProfileStore}, its key
 * from where {@code keyRef} says: {@code env:NAME} an environment variable, {@code keyring:REF} /
 * {@code file:REF} / a bare {@code REF} the secret store; null = no key.
 */
public final class ProfileService {
    /** A profile and its key (null when it has none). */
    public record Resolved(ProviderProfile profile, ApiKey key) {
    }

    /** The profile is missing or its key cannot be found. */
    public static final class ProfileException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public ProfileException(String message) {
            super(message);
        }
    }

    private final ProfileStore profiles;
    private final Supplier<SecretStore> secrets;
    private final Function<String, String> env;

    public ProfileService(ProfileStore profiles, Supplier<SecretStore> secrets, Function<String, String> env) {
        this.profiles = profiles;
        this.secrets = secrets;
        this.env = env;
    }

    public static ProfileService withSystemEnv(ProfileStore profiles, Supplier<SecretStore> secrets) {
        Map<String, String> e = System.getenv();
        return new ProfileService(profiles, secrets, e::get);
    }

    public Optional<ProviderProfile> find(String name) {
        return profiles.find(name);
    }

    /** The named profile with its key. */
    public Resolved resolve(String name) {
        ProviderProfile p = profiles.find(name).orElseThrow(() -> new ProfileException("no saved profile named '" + name
                + "'"));
        String ref = p.keyRef();
        if (ref == null || ref.isBlank()) {
            return new Resolved(p, null);
        }
        if (ref.startsWith("env:")) {
            String var = ref.substring(4);
            String v = env.apply(var);
            if (v == null || v.isBlank()) {
                throw new ProfileException("profile '" + name + "': the environment variable " + var + " is not set");
            }
            return new Resolved(p, ApiKey.of(v));
        }
        String key = ref.startsWith("keyring:") ? ref.substring(8) : ref.startsWith("file:") ? ref.substring(5) : ref;
        SecretStore store = secrets.get();
        Optional<String> secret = store.load(key);
        if (secret.isEmpty() || secret.get().isBlank()) {
            throw new ProfileException("profile '" + name + "': no key stored under '" + key + "' in the "
                    + store.description());
        }
        return new Resolved(p, ApiKey.of(secret.get()));
    }
}
