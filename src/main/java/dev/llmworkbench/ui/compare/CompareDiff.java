package dev.llmworkbench.ui.compare;

import dev.llmworkbench.service.compare.WordDiff;
import dev.llmworkbench.ui.common.Tasks;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The word-level diff of two lanes' answers (lanes numbered from 1): which two, and the diff of their recorded
 * answers, computed off the UI thread. UI thread.
 */
public final class CompareDiff {
    private final Tasks tasks;
    private final ObservableList<Integer> choices = FXCollections.observableArrayList(1, 2);
    private final ObjectProperty<Integer> from = new SimpleObjectProperty<>(1);
    private final ObjectProperty<Integer> to = new SimpleObjectProperty<>(2);
    private final ReadOnlyObjectWrapper<WordDiff.Result> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("Run the lanes to see where two answers differ.");
    private List<CompareLane> lanes = List.of();
    private long generation;

    CompareDiff(Tasks tasks) {
        this.tasks = tasks;
        from.addListener((o, a, b) -> recompute());
        to.addListener((o, a, b) -> recompute());
    }

    /** The lanes changed (added, removed): the choices follow, a choice of a lane gone moves to one still there. */
    void lanes(List<CompareLane> now) {
        lanes = List.copyOf(now);
        List<Integer> numbers = java.util.stream.IntStream.rangeClosed(1, lanes.size()).boxed().toList();
        if (!choices.equals(numbers)) {
            choices.setAll(numbers);
        }
        if (from.get() == null || from.get() > lanes.size()) {
            from.set(1);
        }
        if (to.get() == null || to.get() > lanes.size()) {
            to.set(Math.min(2, lanes.size()));
        }
    }

    /** Computes the diff of the two chosen lanes' answers again (after a run). */
    void recompute() {
        long mine = ++generation;
        Integer a = from.get();
        Integer b = to.get();
        if (a == null || b == null || a > lanes.size() || b > lanes.size()) {
            return;
        }
        CompareLane first = lanes.get(a - 1);
        CompareLane second = lanes.get(b - 1);
        if (first.outcome() == null || second.outcome() == null) {
            result.set(null);
            summary.set("Run the lanes to see where two answers differ.");
            return;
        }
        String x = first.textProperty().get();
        String y = second.textProperty().get();
        String names = "lane " + a + " → lane " + b;
        tasks.run("the diff of " + names, () -> WordDiff.diff(x, y), r -> {
            if (mine == generation) {
                result.set(r);
                summary.set(names + ": " + r.describe());
            }
            return null;
        }, error -> {
            if (mine == generation) {
                result.set(null);
                summary.set("No diff: " + error);
            }
            return null;
        });
    }

    public ObservableList<Integer> choices() { return choices; }
    public ObjectProperty<Integer> fromProperty() { return from; }
    public ObjectProperty<Integer> toProperty() { return to; }
    public ReadOnlyObjectProperty<WordDiff.Result> resultProperty() { return result.getReadOnlyProperty(); }
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }

    /** "Lane 2 · Simulator · qwen-turbo", for the choosers. */
    public String describe(Integer lane) {
        if (lane == null) {
            return "";
        }
        return lane <= lanes.size() ? "Lane " + lane + " · " + lanes.get(lane - 1).label() : "Lane " + lane;
    }
}
