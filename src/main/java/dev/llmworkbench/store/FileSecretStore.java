package dev.llmworkbench.store;

import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Secrets in a JSON file (ref → secret) readable by the owner alone: created with permissions 0600
 * (never briefly wider: a temporary file born 0600 is moved over it). Where the file system has no
 * POSIX permissions (Windows), the file relies on the user profile's own access rules, and
 * {@link #description()} says so. Thread-safe within a process.
 */
public final class FileSecretStore implements SecretStore {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final boolean posix;

    public FileSecretStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.posix = this.file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    public Path file() {
        return file;
    }

    /** Whether owner-only permissions are enforced here. */
    public boolean ownerOnly() {
        return posix;
    }

    @Override
    public synchronized void store(String ref, String secret) {
        UiThreadIo.check("FileSecretStore.store");
        requireRef(ref);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("empty secret for '" + ref + "'");
        }
        Map<String, String> all = read();
        all.put(ref, secret);
        write(all);
    }

    @Override
    public synchronized Optional<String> load(String ref) {
        UiThreadIo.check("FileSecretStore.load");
        requireRef(ref);
        return Optional.ofNullable(read().get(ref));
    }

    @Override
    public synchronized boolean delete(String ref) {
        UiThreadIo.check("FileSecretStore.delete");
        requireRef(ref);
        Map<String, String> all = read();
        if (all.remove(ref) == null) {
            return false;
        }
        write(all);
        return true;
    }

    @Override
    public String description() {
        return posix ? "file readable by the owner alone: " + file
                : "file in your user profile (this file system has no owner-only permissions): " + file;
    }

    private Map<String, String> read() {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            if (posix && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Map<String, String> m = text.isBlank() ? null : Json.GSON.fromJson(text, Json.MAP_OF_STRINGS);
            return m == null ? new TreeMap<>() : new TreeMap<>(m);
        } catch (IOException | JsonParseException e) {
            // the message names the file only: never its content
            throw new StoreException("cannot read the secrets file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void write(Map<String, String> all) {
        Path dir = file.getParent();
        Path tmp = null;
        try {
            Private.folder(dir); // the data folder: owner-only when made here
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            tmp = Files.createTempFile(dir, ".secrets-", ".tmp", attrs);
            Files.writeString(tmp, Json.GSON.toJson(all, Json.MAP_OF_STRINGS), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            if (posix) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new StoreException("cannot write the secrets file " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void requireRef(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException("a secret reference must not be blank");
        }
    }
}
