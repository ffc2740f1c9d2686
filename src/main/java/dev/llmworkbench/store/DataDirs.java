package dev.llmworkbench.store;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The user's data folder, per operating system:
 * <ul>
 *   <li>Linux and other Unix: {@code $XDG_DATA_HOME/llm-workbench}, else {@code ~/.local/share/llm-workbench}</li>
 *   <li>Windows: {@code %APPDATA%\llm-workbench}, else {@code ~\AppData\Roaming\llm-workbench}</li>
 *   <li>macOS: {@code ~/Library/Application Support/llm-workbench}</li>
 * </ul>
 * The system property {@value #OVERRIDE_PROPERTY} replaces the whole folder (tests, smoke tests).
 * Computed from injected values, so every OS can be tested anywhere. Creates nothing.
 */
public final class DataDirs {
    public static final String APP_DIR = "llm-workbench";
    public static final String OVERRIDE_PROPERTY = "llmworkbench.data.dir";
    public static final String DATABASE_FILE = "workbench.db";

    private final Path root;

    private DataDirs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The folder for this process: system properties, environment and home of the running JVM. */
    public static DataDirs fromSystem() {
        return of(System.getProperty("os.name", ""), System.getenv(), Paths.get(System.getProperty("user.home", ".")),
                System.getProperty(OVERRIDE_PROPERTY));
    }

    /**
     * @param osName   the value of {@code os.name}
     * @param env      the environment variables
     * @param home     the user's home folder
     * @param override the value of {@value #OVERRIDE_PROPERTY}, or null
     */
    public static DataDirs of(String osName, Map<String, String> env, Path home, String override) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(home, "home");
        if (override != null && !override.isBlank()) {
            return new DataDirs(Paths.get(override.trim()));
        }
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            Path base = appData != null && !appData.isBlank()
                    ? Paths.get(appData) : home.resolve("AppData").resolve("Roaming");
            return new DataDirs(base.resolve(APP_DIR));
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return new DataDirs(home.resolve("Library").resolve("Application Support").resolve(APP_DIR));
        }
        String xdg = env.get("XDG_DATA_HOME");
        // The XDG spec says a relative value is invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Paths.get(xdg).isAbsolute()) {
            return new DataDirs(Paths.get(xdg).resolve(APP_DIR));
        }
        return new DataDirs(home.resolve(".local").resolve("share").resolve(APP_DIR));
    }

    /** A data folder at an explicit place. */
    public static DataDirs at(Path root) {
        return new DataDirs(root);
    }

    public Path root() {
        return root;
    }

    /** {@code workbench.db} in the data folder. */
    public Path defaultDatabase() {
        return root.resolve(DATABASE_FILE);
    }

    /** {@code settings/} in the data folder (files the user may edit, e.g. price overrides to import). */
    public Path settingsDir() {
        return root.resolve("settings");
    }

    /** The owner-only secrets file used when no OS keyring answers. */
    public Path secretsFile() {
        return root.resolve("secrets.json");
    }

    @Override
    public String toString() {
        return "DataDirs[" + root + "]";
    }
}
