package dev.llmworkbench.ui.app;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Node;

/**
 * The registry of the main window's views, in the order they were registered (the sidebar and the
 * Ctrl+1..9 shortcuts follow it). A view is created by its supplier on its first visit and kept
 * afterwards. FX thread only.
 */
public final class Navigation {
    private final Map<String, Supplier<Node>> factories = new LinkedHashMap<>();
    private final Map<String, Node> created = new HashMap<>();
    private final ObservableList<String> names = FXCollections.observableArrayList();
    private final ObservableList<String> readOnlyNames = FXCollections.unmodifiableObservableList(names);
    private final ReadOnlyStringWrapper current = new ReadOnlyStringWrapper(this, "current");
    private final ReadOnlyObjectWrapper<Node> currentView = new ReadOnlyObjectWrapper<>(this, "currentView");

    /**
     * Adds a view under {@code name}, or replaces the one registered under it (a replaced view
     * that is shown is created anew at once).
     */
    public void register(String name, Supplier<Node> view) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(view, "view");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a view needs a name");
        }
        boolean known = factories.containsKey(name);
        factories.put(name, view);
        created.remove(name);
        if (!known) {
            names.add(name);
        } else if (name.equals(current.get())) {
            currentView.set(view(name));
        }
    }

    /** The registered names, in order (read-only, live). */
    public ObservableList<String> names() {
        return readOnlyNames;
    }

    /** Whether a view is registered under {@code name}. */
    public boolean contains(String name) {
        return factories.containsKey(name);
    }

    /**
     * The view registered under {@code name}, created on the first call.
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws IllegalStateException when the supplier returns null
     */
    public Node view(String name) {
        Supplier<Node> factory = factories.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("no view registered as " + name + "; known: " + names);
        }
        return created.computeIfAbsent(name, n -> {
            Node node = factory.get();
            if (node == null) {
                throw new IllegalStateException("the view supplier of " + n + " returned null");
            }
            return node;
        });
    }

    /** Whether the view under {@code name} was created already. */
    public boolean isCreated(String name) {
        return created.containsKey(name);
    }

    /**
     * Shows the view registered under {@code name} (creating it on the first visit).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public void show(String name) {
        Node view = view(name);
        current.set(name);
        currentView.set(view);
    }

    /** Shows the n-th view (1-based); returns false when there is no such view. */
    public boolean show(int position) {
        if (position < 1 || position > names.size()) {
            return false;
        }
        show(names.get(position - 1));
        return true;
    }

    /** The name of the view shown, null before the first {@link #show(String)}. */
    public ReadOnlyStringProperty currentProperty() {
        return current.getReadOnlyProperty();
    }

    public String getCurrent() {
        return current.get();
    }

    /** The node of the view shown. */
    public ReadOnlyObjectProperty<Node> currentViewProperty() {
        return currentView.getReadOnlyProperty();
    }
}
