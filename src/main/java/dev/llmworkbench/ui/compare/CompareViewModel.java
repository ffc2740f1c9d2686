package dev.llmworkbench.ui.compare;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.compare.CompareEvaluation;
import dev.llmworkbench.service.compare.CompareMarks;
import dev.llmworkbench.service.compare.CompareSpec;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.EvalService;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.ui.common.Tasks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The same system prompt, conversation and prompt on 2 to 4 lanes at once, each with its own provider, model and
 * parameters, streaming with its reasoning; then a table of the recorded figures with the first, fastest and
 * cheapest marked, a word-level diff of any two answers, and "Save as evaluation". UI thread.
 */
public final class CompareViewModel {
    public static final int MIN_LANES = 2;
    public static final int MAX_LANES = 4;

    /** An earlier turn of the shared conversation: the user's or the assistant's. */
    public static final class Turn {
        private final ObjectProperty<Role> role = new SimpleObjectProperty<>(Role.USER);
        private final StringProperty text = new SimpleStringProperty("");

        Turn(Role r) {
            role.set(r);
        }

        public ObjectProperty<Role> roleProperty() { return role; }
        public StringProperty textProperty() { return text; }
    }

    /** A {@code {{variable}}} the texts use, and its value. */
    public static final class Variable {
        private final String name;
        private final StringProperty value = new SimpleStringProperty("");

        Variable(String name) {
            this.name = name;
        }

        public String name() { return name; }
        public StringProperty valueProperty() { return value; }
    }

    /** A row of the metrics table: a lane's recorded figures, formatted, and its marks. */
    public record MetricsRow(String lane, String ttft, String tokensPerSecond, String e2e, String tokens, String cost,
                             String marks) {
    }

    private final PlaygroundService service;
    private final PriceService prices;
    private final Supplier<EvalService> evals;
    private final Executor ui;
    private final Tasks tasks;
    private final StringProperty systemPrompt = new SimpleStringProperty("");
    private final StringProperty prompt = new SimpleStringProperty("");
    private final ObservableList<Turn> conversation = FXCollections.observableArrayList(
            t -> new Observable[] {t.textProperty()});
    private final ObservableList<Variable> variables = FXCollections.observableArrayList();
    private final ObservableList<ProviderProfile> profiles = FXCollections.observableArrayList();
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObservableList<CompareLane> lanes = FXCollections.observableArrayList();
    private final ObservableList<MetricsRow> metrics = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty saveMessage = new SimpleStringProperty("");
    private final StringProperty savedGridId = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final BooleanProperty saving = new SimpleBooleanProperty(false);
    private final BooleanProperty syncScroll = new SimpleBooleanProperty(true);
    private final CompareDiff diff;

    /** Without evaluations: "Save as evaluation" says it is not available. */
    public CompareViewModel(PlaygroundService service, PriceService prices, Executor background, Executor ui) {
        this(service, prices, null, background, ui);
    }

    /**
     * @param evals the evaluation service (a supplier: the composition root may make a new one after a price
     *              change), or null when there is none
     */
    public CompareViewModel(PlaygroundService service, PriceService prices, Supplier<EvalService> evals,
                            Executor background, Executor ui) {
        this.service = Objects.requireNonNull(service);
        this.prices = Objects.requireNonNull(prices);
        this.evals = evals;
        this.ui = Objects.requireNonNull(ui);
        this.tasks = new Tasks(background, ui);
        this.diff = new CompareDiff(tasks);
        reloadProfiles();
        ProviderProfile first = profiles.isEmpty() ? null : profiles.get(0);
        lanes.add(new CompareLane(first, models.isEmpty() ? "" : models.get(0)));
        lanes.add(new CompareLane(first, models.size() > 1 ? models.get(1) : models.isEmpty() ? "" : models.get(0)));
        lanes.forEach(l -> l.followThinkingModes(prices::thinkingMode));
        diff.lanes(lanes);
        lanes.addListener((ListChangeListener<CompareLane>) c -> diff.lanes(lanes));
        systemPrompt.addListener((o, a, b) -> refreshVariables());
        prompt.addListener((o, a, b) -> refreshVariables());
        conversation.addListener((ListChangeListener<Turn>) c -> refreshVariables());
    }

    /**
     * Reads the profiles again (after Settings saved or deleted one). Each lane keeps its profile by name
     * (the new instance of it, or the first profile when it was deleted) and its model.
     */
    public void reloadProfiles() {
        List<String> laneProfiles = new ArrayList<>();
        List<String> laneModels = new ArrayList<>();
        for (CompareLane l : lanes) {
            laneProfiles.add(l.profileProperty().get() == null ? null : l.profileProperty().get().name());
            laneModels.add(l.modelProperty().get());
        }
        profiles.setAll(service.providers().profiles());
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (ProviderProfile p : profiles) {
            if (p.defaultModel() != null && !p.defaultModel().isBlank()) {
                names.add(p.defaultModel());
            }
        }
        names.addAll(prices.models());
        models.setAll(names);
        for (int i = 0; i < lanes.size(); i++) {
            String name = laneProfiles.get(i);
            lanes.get(i).profileProperty().set(profiles.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElse(profiles.isEmpty() ? null : profiles.get(0)));
            lanes.get(i).modelProperty().set(laneModels.get(i) == null ? "" : laneModels.get(i));
        }
    }

    public boolean addLane() {
        if (lanes.size() >= MAX_LANES || running.get()) {
            return false;
        }
        CompareLane lane = new CompareLane(profiles.isEmpty() ? null : profiles.get(0),
                models.isEmpty() ? "" : models.get(Math.min(lanes.size(), models.size() - 1)));
        lane.followThinkingModes(prices::thinkingMode);
        lanes.add(lane);
        return true;
    }

    public boolean removeLane() {
        if (lanes.size() <= MIN_LANES || running.get()) {
            return false;
        }
        lanes.remove(lanes.size() - 1);
        return true;
    }

    /** Adds an earlier turn to the shared conversation (the user's or the assistant's). */
    public Turn addTurn(Role role) {
        if (role != Role.USER && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("a turn is the user's or the assistant's");
        }
        Turn t = new Turn(role);
        conversation.add(t);
        return t;
    }

    public void removeTurn(Turn t) {
        conversation.remove(t);
    }

    private void refreshVariables() {
        List<String> names = CompareSpec.variableNames(systemPrompt.get(), turns(), prompt.get());
        if (names.equals(variables.stream().map(Variable::name).toList())) {
            return;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        variables.forEach(v -> kept.put(v.name(), v.valueProperty().get()));
        List<Variable> now = new ArrayList<>();
        for (String n : names) {
            Variable v = new Variable(n);
            v.valueProperty().set(kept.getOrDefault(n, ""));
            now.add(v);
        }
        variables.setAll(now);
    }

    private List<Message> turns() {
        return conversation.stream().map(t -> new Message(t.roleProperty().get(), t.textProperty().get(), List.of(),
                null)).toList();
    }

    /** What the lanes would be sent now; fails with a message for the user (naming the lane) when one is wrong. */
    public CompareSpec spec() {
        List<CompareSpec.Lane> specs = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            try {
                specs.add(lanes.get(i).spec());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("lane " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        variables.forEach(v -> values.put(v.name(), v.valueProperty().get()));
        return new CompareSpec(systemPrompt.get(), turns(), prompt.get(), values, specs);
    }

    /** Runs the comparison on every lane at once (snapshots taken now). */
    public void run() {
        if (running.get() || prompt.get().isBlank()) {
            return;
        }
        CompareSpec spec;
        try {
            spec = spec();
        } catch (IllegalArgumentException e) {
            summary.set("Cannot run: " + e.getMessage());
            return;
        }
        summary.set("");
        saveMessage.set("");
        metrics.clear();
        running.set(true);
        List<CompareLane> now = new ArrayList<>(lanes);
        AtomicInteger left = new AtomicInteger(now.size());
        for (int i = 0; i < now.size(); i++) {
            CompareLane lane = now.get(i);
            ProviderProfile profile = spec.lanes().get(i).profile();
            ChatRequest req = spec.request(i);
            lane.begin();
            CompareLane.Sink s = lane.sink();
            AtomicBoolean reasoned = new AtomicBoolean();
            ChatObserver obs = new ChatObserver() {
                @Override
                public void onReasoning(String delta) {
                    s.reasoning(delta);
                    if (reasoned.compareAndSet(false, true)) {
                        ui.execute(lane::reasoningStarted); // once a run: the text itself goes to the frame buffer
                    }
                }

                @Override
                public void onContent(String delta) {
                    s.text(delta);
                }
            };
            // the job reads the provider's key (the OS keyring: a process start): started off the UI thread
            tasks.call("starting the lane " + lane.label(), () -> service.start(service.job(profile, req,
                    Priority.NORMAL), obs, RunKind.COMPARE), lane::started, error -> {
                        lane.failed("Cannot run: " + error);
                        laneEnded(left);
                    })
                    .thenCompose(started -> tasks.follow("the lane " + lane.label(), started.result(), o -> {
                        lane.finish(o);
                        laneEnded(left);
                    }, error -> {
                        lane.failed(error);
                        laneEnded(left);
                    }));
        }
    }

    private void laneEnded(AtomicInteger left) {
        if (left.decrementAndGet() == 0) {
            running.set(false);
            summarize();
            diff.recompute();
        }
    }

    public void stop() {
        lanes.forEach(CompareLane::stop);
    }

    private void summarize() {
        List<CompareMarks.Figures> figures = lanes.stream().map(CompareLane::markFigures).toList();
        List<List<CompareMarks.Mark>> marks = CompareMarks.of(figures);
        List<MetricsRow> rows = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            CompareLane l = lanes.get(i);
            l.setMarks(marks.get(i));
            rows.add(new MetricsRow("Lane " + (i + 1) + " · " + l.label(), l.ttftProperty().get(),
                    l.tpsProperty().get(), l.e2eProperty().get(), l.tokensProperty().get(), l.costProperty().get(),
                    l.outcome() == null ? "did not finish" : !l.outcome().ok() ? "failed" : l.marksProperty().get()));
        }
        metrics.setAll(rows);
        if (figures.stream().noneMatch(CompareMarks.Figures::ok)) {
            summary.set("No lane finished.");
            return;
        }
        List<String> parts = new ArrayList<>();
        for (CompareMarks.Mark m : CompareMarks.Mark.values()) {
            List<String> who = new ArrayList<>();
            for (int i = 0; i < lanes.size(); i++) {
                if (marks.get(i).contains(m)) {
                    CompareLane l = lanes.get(i);
                    String figure = switch (m) {
                        case FIRST -> "TTFT " + l.ttftProperty().get();
                        case FASTEST -> l.e2eProperty().get();
                        case CHEAPEST -> l.outcome().costUsd().format();
                    };
                    who.add(l.label() + " (" + figure + ")");
                }
            }
            if (!who.isEmpty()) {
                String word = m.word();
                parts.add(Character.toUpperCase(word.charAt(0)) + word.substring(1) + ": " + String.join(", ", who));
            }
        }
        summary.set(String.join(" · ", parts));
    }

    /**
     * Saves the comparison as an evaluation grid (one row of the prompt and its variables, one column per lane),
     * through the evaluation service, off the UI thread; {@link #saveMessageProperty()} says how it went.
     */
    public void saveAsEvaluation() {
        if (saving.get()) {
            return;
        }
        if (evals == null) {
            saveMessage.set("Evaluations are not available here.");
            return;
        }
        CompareSpec spec;
        try {
            spec = spec();
        } catch (IllegalArgumentException e) {
            saveMessage.set("Cannot save: " + e.getMessage());
            return;
        }
        String title = CompareEvaluation.title(spec);
        saving.set(true);
        saveMessage.set("Saving…");
        tasks.call("saving the comparison as an evaluation", () -> CompareEvaluation.save(evals.get(), spec, title,
                p -> service.providers().key(p)), (EvalGrid g) -> {
                    saving.set(false);
                    savedGridId.set(g.gridId());
                    saveMessage.set("Saved as the evaluation \"" + title + "\" (" + g.rows().size() + " row × "
                            + g.columns().size() + " columns, not run yet): open it in the Evaluation view."
                            + (g.plan().warnings().isEmpty() ? "" : " Note: " + String.join("; ", g.plan().warnings())
                            + "."));
                }, error -> {
                    saving.set(false);
                    saveMessage.set("Could not save: " + error);
                });
    }

    public StringProperty systemPromptProperty() { return systemPrompt; }
    public StringProperty promptProperty() { return prompt; }
    public ObservableList<Turn> conversation() { return conversation; }
    public ObservableList<Variable> variables() { return variables; }
    public ObservableList<ProviderProfile> profiles() { return profiles; }
    public ObservableList<String> models() { return models; }
    public ObservableList<CompareLane> lanes() { return lanes; }
    public ObservableList<MetricsRow> metrics() { return metrics; }
    public CompareDiff diff() { return diff; }
    public StringProperty summaryProperty() { return summary; }
    public StringProperty saveMessageProperty() { return saveMessage; }
    public StringProperty savedGridIdProperty() { return savedGridId; }
    public BooleanProperty runningProperty() { return running; }
    public BooleanProperty savingProperty() { return saving; }
    public BooleanProperty syncScrollProperty() { return syncScroll; }
}
