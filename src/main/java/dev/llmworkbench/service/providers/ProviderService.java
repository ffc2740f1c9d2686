package dev.llmworkbench.service.providers;

import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.client.ApiException;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.store.ProfileStore;
import dev.llmworkbench.store.SecretStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Provider profiles for the desktop: the built-in simulator first, then the saved ones. Profiles are
 * saved through the profile store (never a secret); keys go to the secret store the composition
 * root chose (OS keyring, else an owner-only file) under the reference {@code provider:<name>}.
 * Thread-safe as far as its stores are; blocking calls ({@link #testConnection}) belong off the UI thread.
 */
public final class ProviderService {
    /** What "Test connection" found: the models listed, or the error in words. */
    public record ConnectionResult(boolean ok, List<String> models, String error) {
        public ConnectionResult {
            models = models == null ? List.of() : List.copyOf(models);
        }
    }

    private final ProfileStore profiles;
    private final SecretStore secrets;
    /** Keys read from the secret store, by key reference (empty: none stored). Never logged nor shown. */
    private final java.util.concurrent.ConcurrentHashMap<String, Optional<String>> keys =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final String secretsDescription;
    private final ProviderProfile simulator;
    private final ClientPool clients;
    /**
     * The saved profiles as last read or written here (null: not read yet). The window reads the profiles
     * on the FX thread (menus, the notice, the status bar), which must not wait for the database; every
     * change made in this process goes through {@link #save} and {@link #delete}, which renew it.
     */
    private volatile List<ProviderProfile> known;

    /**
     * @param secretsDescription one line saying where keys are kept (and why not the keyring)
     * @param simulator          the embedded simulator's profile
     */
    public ProviderService(ProfileStore profiles, SecretStore secrets, String secretsDescription,
                           ProviderProfile simulator, ClientPool clients) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.secretsDescription = secretsDescription;
        this.simulator = Objects.requireNonNull(simulator, "simulator");
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /** The embedded simulator's profile (always there). */
    public ProviderProfile simulator() {
        return simulator;
    }

    public boolean isSimulator(ProviderProfile p) {
        return p != null && simulator.name().equals(p.name());
    }

    /** The simulator, then every saved profile by name. */
    public List<ProviderProfile> profiles() {
        List<ProviderProfile> list = known;
        if (list == null) {
            list = reload();
        }
        List<ProviderProfile> all = new ArrayList<>();
        all.add(simulator);
        for (ProviderProfile p : list) {
            if (!p.name().equals(simulator.name())) {
                all.add(p);
            }
        }
        return all;
    }

    /** The saved profiles only. */
    public List<ProviderProfile> savedProfiles() {
        List<ProviderProfile> all = profiles();
        return all.subList(1, all.size());
    }

    /** Reads the saved profiles from the store again (e.g. after another process changed them). */
    public synchronized List<ProviderProfile> reload() {
        List<ProviderProfile> list = List.copyOf(profiles.list());
        known = list;
        return list;
    }

    public Optional<ProviderProfile> find(String name) {
        return profiles().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The profile to start with: the first saved one, else the simulator. */
    public ProviderProfile defaultProfile() {
        List<ProviderProfile> all = profiles();
        return all.size() > 1 ? all.get(1) : simulator;
    }

    /** Whether any provider besides the simulator is set up. */
    public boolean anySaved() {
        return profiles().size() > 1;
    }

    /**
     * Saves a profile. A non-blank {@code key} is stored (replacing any earlier one) and the profile
     * refers to it; a null key keeps the key stored before; a blank key removes it.
     *
     * @return the profile as saved (with its key reference)
     * @throws IllegalArgumentException for the simulator's name, a bad URL or a credential in headers
     */
    public synchronized ProviderProfile save(ProviderProfile p, String key) {
        Objects.requireNonNull(p, "profile");
        if (p.name().isBlank() || p.name().equals(simulator.name())) {
            throw new IllegalArgumentException("choose another name: \"" + p.name() + "\" is taken");
        }
        String urlProblem = ProviderProfile.baseUrlProblem(p.baseUrl());
        if (urlProblem != null) {
            throw new IllegalArgumentException(urlProblem);
        }
        String ref = keyRef(p.name());
        ProviderProfile saved;
        if (key == null) {
            boolean had = p.keyRef() != null || secrets.load(ref).isPresent();
            saved = p.withKeyRef(had ? ref : null);
        } else if (key.isBlank()) {
            secrets.delete(ref);
            saved = p.withKeyRef(null);
        } else {
            saved = p.withKeyRef(ref);
        }
        try {
            profiles.save(saved);
            if (key != null && !key.isBlank()) {
                secrets.store(ref, key.trim());
            }
        } finally {
            keys.remove(ref);
            reload(); // the list as stored, whatever failed
        }
        return saved;
    }

    /** Deletes a saved profile and its key. */
    public synchronized boolean delete(String name) {
        try {
            secrets.delete(keyRef(name));
            keys.remove(keyRef(name));
            return profiles.delete(name);
        } finally {
            reload();
        }
    }

    /**
     * The profile's key, if one is stored. Read from the secret store once per profile and then kept in
     * memory (renewed on save and delete): the OS keyring is a process start that can take seconds, and a
     * Run on the window's thread asks for the key every time.
     */
    public Optional<ApiKey> key(ProviderProfile p) {
        if (p == null || p.keyRef() == null) {
            return Optional.empty();
        }
        return keys.computeIfAbsent(p.keyRef(), ref -> secrets.load(ref)).map(ApiKey::ofNullable);
    }

    /** Reads every saved profile's key into memory (call off the window's thread, once at start). */
    public void warmKeys() {
        for (ProviderProfile p : savedProfiles()) {
            key(p);
        }
    }

    public boolean hasKey(ProviderProfile p) {
        return key(p).isPresent();
    }

    /** Where keys are kept, in words ("API keys are kept in the OS keyring", or the file and why). */
    public String keyStorage() {
        return secretsDescription == null ? secrets.description() : secretsDescription;
    }

    /**
     * Lists the models the provider serves ({@code GET /models}), with short timeouts. Blocking.
     *
     * @param key the key to try (null: the stored one)
     */
    public ConnectionResult testConnection(ProviderProfile p, ApiKey key) {
        ApiKey k = key != null ? key : key(p).orElse(null);
        Timeouts t = Timeouts.defaults().withConnect(Duration.ofSeconds(5)).withFirstByte(Duration.ofSeconds(10))
                .withTotal(Duration.ofSeconds(15));
        try {
            List<String> models = clients.client(p, k, t).listModels();
            return new ConnectionResult(true, models, null);
        } catch (ApiException e) {
            String msg = e.error() == null ? e.getMessage() : ErrorAdvice.of(e.error()).text();
            return new ConnectionResult(false, List.of(), k == null ? msg : k.redact(msg));
        } catch (RuntimeException e) {
            String msg = "could not reach " + p.baseUrl() + ": " + e.getMessage();
            return new ConnectionResult(false, List.of(), k == null ? msg : k.redact(msg));
        }
    }

    /** The environment variable the generated code reads the key from, e.g. {@code DASHSCOPE_CHINA_API_KEY}. */
    public static String keyEnvVar(String profileName) {
        String base = profileName == null ? "" : profileName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        if (base.startsWith("SIMULATOR")) {
            base = "WORKBENCH"; // the command line's default --api-key-env: one name everywhere
        }
        return (base.isEmpty() ? "LLM" : base) + "_API_KEY";
    }

    static String keyRef(String name) {
        return "provider:" + name;
    }
}
