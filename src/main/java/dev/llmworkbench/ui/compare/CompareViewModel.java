package dev.llmworkbench.ui.compare;

import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.ui.common.Tasks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The same prompt on 2 to 4 provider/model pairs at once, each streaming with its own metrics. UI thread. */
public final class CompareViewModel {
    public static final int MIN_LANES = 2;
    public static final int MAX_LANES = 4;

    /** Where a lane's streamed text goes (thread-safe; reset and end on the UI thread). */
    public interface LaneSink {
        LaneSink NONE = new LaneSink() { };

        default void reset() { }

        default void text(String delta) { }

        default void end() { }
    }

    /** One provider/model pair and its result. */
    public final class Lane {
        private final ObjectProperty<ProviderProfile> profile = new SimpleObjectProperty<>();
        private final StringProperty model = new SimpleStringProperty("");
        private final StringProperty text = new SimpleStringProperty("");
        private final StringProperty ttft = new SimpleStringProperty("");
        private final StringProperty tps = new SimpleStringProperty("");
        private final StringProperty e2e = new SimpleStringProperty("");
        private final StringProperty tokens = new SimpleStringProperty("");
        private final StringProperty cost = new SimpleStringProperty("");
        private final StringProperty error = new SimpleStringProperty("");
        private final BooleanProperty running = new SimpleBooleanProperty(false);
        private volatile LaneSink sink = LaneSink.NONE;
        private ChatRun run;
        /** Stop was asked for while the lane's run was still starting (off the UI thread). */
        private boolean stopRequested;
        private ChatOutcome outcome;

        Lane(ProviderProfile p, String m) {
            profile.set(p);
            model.set(m);
        }

        public ObjectProperty<ProviderProfile> profileProperty() { return profile; }
        public StringProperty modelProperty() { return model; }
        public StringProperty textProperty() { return text; }
        public StringProperty ttftProperty() { return ttft; }
        public StringProperty tpsProperty() { return tps; }
        public StringProperty e2eProperty() { return e2e; }
        public StringProperty tokensProperty() { return tokens; }
        public StringProperty costProperty() { return cost; }
        public StringProperty errorProperty() { return error; }
        public BooleanProperty runningProperty() { return running; }

        public void setSink(LaneSink s) {
            sink = s == null ? LaneSink.NONE : s;
        }

        public String label() {
            return (profile.get() == null ? "?" : profile.get().name()) + " · " + model.get();
        }
    }

    private final PlaygroundService service;
    private final PriceService prices;
    private final Executor ui;
    private final Tasks tasks;
    private final StringProperty systemPrompt = new SimpleStringProperty("");
    private final StringProperty prompt = new SimpleStringProperty("");
    private final BooleanProperty thinking = new SimpleBooleanProperty(false);
    private final ObservableList<ProviderProfile> profiles = FXCollections.observableArrayList();
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObservableList<Lane> lanes = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty(false);

    public CompareViewModel(PlaygroundService service, PriceService prices, Executor background,
                            Executor ui) {
        this.service = Objects.requireNonNull(service);
        this.prices = Objects.requireNonNull(prices);
        this.ui = Objects.requireNonNull(ui);
        this.tasks = new Tasks(background, ui);
        reloadProfiles();
        ProviderProfile first = profiles.get(0);
        List<String> ms = models;
        lanes.add(new Lane(first, ms.isEmpty() ? "" : ms.get(0)));
        lanes.add(new Lane(first, ms.size() > 1 ? ms.get(1) : ms.isEmpty() ? "" : ms.get(0)));
    }

    /**
     * Reads the profiles again (after Settings saved or deleted one). Each lane keeps its profile by name
     * (the new instance of it, or the first profile when it was deleted) and its model.
     */
    public void reloadProfiles() {
        List<String> laneProfiles = new ArrayList<>();
        List<String> laneModels = new ArrayList<>();
        for (Lane l : lanes) {
            laneProfiles.add(l.profile.get() == null ? null : l.profile.get().name());
            laneModels.add(l.model.get());
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
            lanes.get(i).profile.set(profiles.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElse(profiles.isEmpty() ? null : profiles.get(0)));
            lanes.get(i).model.set(laneModels.get(i) == null ? "" : laneModels.get(i));
        }
    }

    public boolean addLane() {
        if (lanes.size() >= MAX_LANES) {
            return false;
        }
        lanes.add(new Lane(profiles.get(0), models.isEmpty() ? "" : models.get(Math.min(lanes.size(), models.size() - 1))));
        return true;
    }

    public boolean removeLane() {
        if (lanes.size() <= MIN_LANES || running.get()) {
            return false;
        }
        lanes.remove(lanes.size() - 1);
        return true;
    }

    /** Runs the prompt on every lane at once (snapshots taken now). */
    public void run() {
        if (running.get() || prompt.get().isBlank()) {
            return;
        }
        summary.set("");
        running.set(true);
        AtomicInteger left = new AtomicInteger(lanes.size());
        for (Lane lane : new ArrayList<>(lanes)) {
            String model = lane.model.get() == null ? "" : lane.model.get().trim();
            ProviderProfile profile = lane.profile.get();
            if (profile == null) {
                lane.outcome = null;
                lane.error.set("Choose a provider for this lane.");
                laneEnded(left);
                continue;
            }
            ChatRequest.Builder b = ChatRequest.builder(model.isEmpty() ? "qwen3-235b-a22b" : model);
            if (!systemPrompt.get().isBlank()) {
                b.system(systemPrompt.get());
            }
            b.user(prompt.get()).stream(true).enableThinking(thinking.get());
            ChatRequest req = b.build();
            for (StringProperty p : List.of(lane.text, lane.ttft, lane.tps, lane.e2e, lane.tokens, lane.cost, lane.error)) {
                p.set("");
            }
            lane.outcome = null;
            lane.run = null;
            lane.stopRequested = false;
            lane.running.set(true);
            LaneSink s = lane.sink;
            s.reset();
            long start = System.nanoTime();
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean();
            ChatObserver obs = new ChatObserver() {
                @Override
                public void onReasoning(String delta) {
                    seen();
                }

                @Override
                public void onContent(String delta) {
                    s.text(delta);
                    seen();
                }

                private void seen() {
                    if (first.compareAndSet(false, true)) {
                        double ms = (System.nanoTime() - start) / 1e6;
                        ui.execute(() -> lane.ttft.set(ms(ms)));
                    }
                }
            };
            // the job reads the provider's key (the OS keyring: a process start): started off the UI thread
            tasks.call("starting the lane " + lane.label(), () -> service.start(service.job(profile, req,
                    Priority.NORMAL), obs, RunKind.COMPARE), started -> {
                        lane.run = started;
                        if (lane.stopRequested) {
                            started.cancel();
                        }
                    }, error -> {
                        lane.running.set(false);
                        lane.error.set("Cannot run: " + error);
                        laneEnded(left);
                    })
                    .thenCompose(started -> tasks.follow("the lane " + lane.label(), started.result(), o -> {
                        finishLane(lane, o);
                        laneEnded(left);
                    }, error -> {
                        lane.sink.end();
                        lane.running.set(false);
                        lane.error.set(error);
                        laneEnded(left);
                    }));
        }
    }

    private void laneEnded(AtomicInteger left) {
        if (left.decrementAndGet() == 0) {
            running.set(false);
            summarize();
        }
    }

    public void stop() {
        for (Lane l : lanes) {
            if (l.running.get()) {
                l.stopRequested = true; // a lane still starting is cancelled as soon as it has started
            }
            if (l.run != null) {
                l.run.cancel();
            }
        }
    }

    private void finishLane(Lane lane, ChatOutcome o) {
        lane.sink.end();
        lane.outcome = o;
        lane.running.set(false);
        Completion c = o.completion();
        lane.text.set(c.text());
        Timing t = c.timing();
        if (t.ttftMs() != null) {
            lane.ttft.set(ms(t.ttftMs()));
        }
        lane.tps.set(t.tokensPerSecond() == null ? "" : String.format(Locale.ROOT, "%.1f", t.tokensPerSecond()));
        lane.e2e.set(t.e2eMs() == null ? "" : ms(t.e2eMs()));
        lane.tokens.set(c.usage() == null ? "" : c.usage().promptOrZero() + " → " + c.usage().completionOrZero());
        lane.cost.set(o.costUsd() == null ? "no price" : o.costUsd().format() + " / " + o.costCny().format());
        if (c.error() != null) {
            ErrorAdvice a = ErrorAdvice.of(c.error());
            lane.error.set(a.title() + ": " + a.text());
        }
    }

    private void summarize() {
        List<Lane> ok = lanes.stream().filter(l -> l.outcome != null && l.outcome.ok()).toList();
        if (ok.isEmpty()) {
            summary.set("No lane finished.");
            return;
        }
        Lane firstLane = ok.stream().filter(l -> l.outcome.completion().timing().ttftMs() != null)
                .min(Comparator.comparingDouble(l -> l.outcome.completion().timing().ttftMs())).orElse(null);
        Lane fastest = ok.stream().filter(l -> l.outcome.completion().timing().e2eMs() != null)
                .min(Comparator.comparingDouble(l -> l.outcome.completion().timing().e2eMs())).orElse(null);
        Lane cheapest = ok.stream().filter(l -> l.outcome.costUsd() != null)
                .min(Comparator.comparing(l -> l.outcome.costUsd().amount())).orElse(null);
        StringBuilder sb = new StringBuilder();
        if (firstLane != null) {
            sb.append("First: ").append(firstLane.label()).append(" (TTFT ").append(firstLane.ttft.get()).append(")");
        }
        if (fastest != null) {
            sb.append(" · Fastest: ").append(fastest.label()).append(" (").append(fastest.e2e.get()).append(")");
        }
        if (cheapest != null) {
            sb.append(" · Cheapest: ").append(cheapest.label()).append(" (").append(cheapest.outcome.costUsd().format())
                    .append(")");
        }
        summary.set(sb.toString());
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.0f ms", v);
    }

    public StringProperty systemPromptProperty() { return systemPrompt; }
    public StringProperty promptProperty() { return prompt; }
    public BooleanProperty thinkingProperty() { return thinking; }
    public ObservableList<ProviderProfile> profiles() { return profiles; }
    public ObservableList<String> models() { return models; }
    public ObservableList<Lane> lanes() { return lanes; }
    public StringProperty summaryProperty() { return summary; }
    public BooleanProperty runningProperty() { return running; }
}
