package dev.llmworkbench.store;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The OS keyring through libsecret's {@code secret-tool} (Secret Service: GNOME Keyring, KWallet...).
 * The secret is written to the tool's standard input, never passed as an argument (arguments are
 * visible to every user in the process list). Items carry the attributes
 * {@code service=llm-workbench ref=REF}.
 */
public final class KeyringSecretStore implements SecretStore {
    static final String SERVICE = "llm-workbench";
    private static final String PROBE_REF = "__llm-workbench-probe__";

    private final String command;
    private final Duration timeout;
    private final Map<String, String> environment;

    /** {@code secret-tool} from the PATH, 2 s per call. */
    public KeyringSecretStore() {
        this("secret-tool", Duration.ofSeconds(2), System.getenv());
    }

    /**
     * @param command     the {@code secret-tool} executable (a name looked up on PATH, or a path)
     * @param timeout     how long one call may take before the keyring counts as not answering
     * @param environment the environment used to find the command on PATH
     */
    public KeyringSecretStore(String command, Duration timeout, Map<String, String> environment) {
        this.command = Objects.requireNonNull(command, "command");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.environment = Map.copyOf(environment);
    }

    /** Whether {@code secret-tool} exists and a Secret Service answers a lookup within the timeout. */
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /** Why the keyring cannot be used, or empty when it can. */
    public Optional<String> unavailableReason() {
        if (findExecutable().isEmpty()) {
            return Optional.of(command + " not found (install libsecret-tools)");
        }
        try {
            Outcome o = run(List.of("lookup", "service", SERVICE, "ref", PROBE_REF), null);
            // lookup exits 1 with no message when nothing matches: the service answered
            if (o.exit == 0 || o.stderr.isBlank()) {
                return Optional.empty();
            }
            return Optional.of("no Secret Service answered: " + o.stderr.strip());
        } catch (StoreException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void store(String ref, String secret) {
        requireRef(ref);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("empty secret for '" + ref + "'");
        }
        Outcome o = run(List.of("store", "--label=LLM Workbench: " + ref, "service", SERVICE, "ref", ref), secret);
        if (o.exit != 0) {
            throw new StoreException("the keyring refused to store '" + ref + "': " + o.stderr.strip());
        }
    }

    @Override
    public Optional<String> load(String ref) {
        requireRef(ref);
        Outcome o = run(List.of("lookup", "service", SERVICE, "ref", ref), null);
        if (o.exit == 0) {
            return o.stdout.isEmpty() ? Optional.empty() : Optional.of(o.stdout);
        }
        if (o.stderr.isBlank()) {
            return Optional.empty();
        }
        throw new StoreException("the keyring could not look up '" + ref + "': " + o.stderr.strip());
    }

    @Override
    public boolean delete(String ref) {
        requireRef(ref);
        boolean existed = load(ref).isPresent();
        Outcome o = run(List.of("clear", "service", SERVICE, "ref", ref), null);
        if (o.exit != 0 && !o.stderr.isBlank()) {
            throw new StoreException("the keyring could not delete '" + ref + "': " + o.stderr.strip());
        }
        return existed;
    }

    @Override
    public String description() {
        return "OS keyring (Secret Service)";
    }

    private record Outcome(int exit, String stdout, String stderr) {
    }

    private Outcome run(List<String> args, String stdin) {
        UiThreadIo.check("KeyringSecretStore " + args.get(0)); // a process start: up to the timeout
        List<String> cmd = new ArrayList<>();
        cmd.add(findExecutable().map(Path::toString).orElse(command));
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new StoreException("cannot run " + command + ": " + e.getMessage(), e);
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new StoreException("the keyring did not answer within " + timeout.toMillis() + " ms");
            }
            // outputs are small (a secret, a message): they fit the pipe buffers, so reading after exit is safe
            return new Outcome(p.exitValue(), readAll(p.getInputStream()), readAll(p.getErrorStream()));
        } catch (IOException e) {
            p.destroyForcibly();
            throw new StoreException("cannot talk to " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the keyring");
        }
    }

    private static String readAll(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Optional<Path> findExecutable() {
        if (command.contains(File.separator) || command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static void requireRef(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException("a secret reference must not be blank");
        }
    }
}
