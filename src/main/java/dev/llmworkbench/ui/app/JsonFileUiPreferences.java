package dev.llmworkbench.ui.app;

import dev.llmworkbench.store.UiThreadIo;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Preferences in a small JSON object file ({@code {"theme": "dark", ...}}), read once when made and
 * written whole (through a temporary file and a move) after a change, on the writer given (the window's
 * thread only changes the map: changes made while a write waits go out with it). A missing or unreadable file
 * starts empty: a broken preferences file must never stop the app from opening. No secret is ever
 * stored here.
 */
public final class JsonFileUiPreferences implements UiPreferences {
    /** The file's name inside the data folder. */
    public static final String FILE_NAME = "ui-preferences.json";
    /** The system property that points at the data folder. */
    public static final String DATA_DIR_PROPERTY = "llmworkbench.data.dir";

    private static final Logger LOG = Logger.getLogger(JsonFileUiPreferences.class.getName());
    private static final Type MAP_TYPE = new TypeToken<Map<String, String>>() { }.getType();
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path file;
    private final Executor writer;
    private final Map<String, String> values = new TreeMap<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Object writing = new Object();

    /** Preferences kept in {@code file} (its folder is created on the first write), written on the caller. */
    public JsonFileUiPreferences(Path file) {
        this(file, Runnable::run);
    }

    /**
     * @param writer where the file is written after a change (one thread of the composition root); when it no
     *               longer takes work (the app is closing) the caller writes
     */
    public JsonFileUiPreferences(Path file, Executor writer) {
        this.file = Objects.requireNonNull(file, "file");
        this.writer = Objects.requireNonNull(writer, "writer");
        values.putAll(read(file));
    }

    /** Preferences in the default file, see {@link #defaultFile()}, written on {@code writer}. */
    public static JsonFileUiPreferences atDefaultLocation(Executor writer) {
        return new JsonFileUiPreferences(defaultFile(), writer);
    }

    /**
     * {@code ui-preferences.json} in the data folder: the system property
     * {@value #DATA_DIR_PROPERTY} if set, else {@code $XDG_DATA_HOME/llm-workbench}, else
     * {@code ~/.local/share/llm-workbench}.
     */
    public static Path defaultFile() {
        return defaultFile(System::getProperty, System::getenv);
    }

    static Path defaultFile(UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        String dataDir = systemProperties.apply(DATA_DIR_PROPERTY);
        if (isSet(dataDir)) {
            return Path.of(dataDir).resolve(FILE_NAME);
        }
        String xdg = environment.apply("XDG_DATA_HOME");
        if (isSet(xdg)) {
            return Path.of(xdg).resolve("llm-workbench").resolve(FILE_NAME);
        }
        return Path.of(systemProperties.apply("user.home"), ".local", "share", "llm-workbench", FILE_NAME);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /** The file these preferences live in. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void put(String key, String value) {
        Objects.requireNonNull(key, "key");
        boolean changed;
        synchronized (this) {
            String before = value == null ? values.remove(key) : values.put(key, value);
            changed = !Objects.equals(before, value);
        }
        if (changed && pending.compareAndSet(false, true)) {
            try {
                writer.execute(this::flush);
            } catch (RejectedExecutionException closing) {
                flush();
            }
        }
    }

    private static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Map<String, String> read = GSON.fromJson(reader, MAP_TYPE);
            if (read == null) {
                return Map.of();
            }
            Map<String, String> clean = new TreeMap<>();
            read.forEach((k, v) -> {
                if (k != null && v != null) {
                    clean.put(k, v);
                }
            });
            return clean;
        } catch (IOException | JsonParseException e) {
            LOG.log(Level.WARNING, "UI preferences in " + file + " could not be read; starting with defaults", e);
            return Map.of();
        }
    }

    /** Writes what is set now (on the writer). */
    private void flush() {
        synchronized (writing) {
            pending.set(false); // a change from now on asks for another write
            Map<String, String> snapshot;
            synchronized (this) {
                snapshot = new TreeMap<>(values);
            }
            UiThreadIo.check("JsonFileUiPreferences.put");
            write(snapshot);
        }
    }

    private void write(Map<String, String> snapshot) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, FILE_NAME, ".tmp");
            try {
                try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    GSON.toJson(snapshot, MAP_TYPE, writer);
                }
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "UI preferences could not be written to " + file, e);
        }
    }
}
