package dev.llmworkbench.ui.app;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Preferences that live as long as the object (tests, or when no data folder can be written). */
public final class InMemoryUiPreferences implements UiPreferences {
    private final Map<String, String> values = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void put(String key, String value) {
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
    }

    /** A sorted copy of everything stored. */
    public Map<String, String> snapshot() {
        return new TreeMap<>(values);
    }
}
