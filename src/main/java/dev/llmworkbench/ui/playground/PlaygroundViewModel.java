package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.RunKind;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.ToolSpec;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.service.chat.Attempt;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.playground.CodeSnippets;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.service.playground.JsonCheck;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.service.providers.ProviderPreset;
import dev.llmworkbench.service.providers.ProviderService;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The playground's state and actions, on the FX thread (through the given UI executor). Streamed
 * text goes to a {@link StreamSink} (the view's per-frame buffers), never one UI task per token;
 * the estimate and the variables form are computed off the UI thread, debounced.
 */
public final class PlaygroundViewModel {
    /** Where streamed text goes; called on the service's threads, so it must be thread-safe. */
    public interface StreamSink {
        StreamSink NONE = new StreamSink() { };

        /** A new run (or attempt) starts: clear. Called on the UI thread. */
        default void reset() { }

        default void reasoning(String delta) { }

        default void content(String delta) { }

        /** The run ended: show what is pending now. Called on the UI thread. */
        default void end() { }
    }

    /** The view's one state. */
    public enum State { IDLE, RUNNING, DONE, STOPPED, FAILED }

    /** A variable found in the prompts and its value. */
    public static final class Variable {
        private final String name;
        private final StringProperty value = new SimpleStringProperty("");

        Variable(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public StringProperty valueProperty() {
            return value;
        }
    }

    static final long DEBOUNCE_MS = 150;
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PlaygroundService service;
    private final PriceService prices;
    private final PromptLibraryService library;
    private final ScheduledExecutorService background;
    private final Executor ui;

    private final StringProperty systemPrompt = new SimpleStringProperty(this, "systemPrompt", "");
    private final StringProperty userPrompt = new SimpleStringProperty(this, "userPrompt", "");
    private final ObservableList<Variable> variables = FXCollections.observableArrayList();
    private final ObjectProperty<List<PromptTemplates.Span>> systemSpans = new SimpleObjectProperty<>(List.of());
    private final ObjectProperty<List<PromptTemplates.Span>> userSpans = new SimpleObjectProperty<>(List.of());
    private final StringProperty estimate = new SimpleStringProperty(this, "estimate", "");

    private final ObservableList<ProviderProfile> profiles = FXCollections.observableArrayList();
    private final ObjectProperty<ProviderProfile> profile = new SimpleObjectProperty<>(this, "profile");
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final StringProperty model = new SimpleStringProperty(this, "model", "");
    private final StringProperty temperature = new SimpleStringProperty(this, "temperature", "");
    private final StringProperty topP = new SimpleStringProperty(this, "topP", "");
    private final StringProperty maxTokens = new SimpleStringProperty(this, "maxTokens", "");
    private final BooleanProperty thinking = new SimpleBooleanProperty(this, "thinking", false);
    private final StringProperty thinkingBudget = new SimpleStringProperty(this, "thinkingBudget", "");
    private final StringProperty seed = new SimpleStringProperty(this, "seed", "");
    private final BooleanProperty stream = new SimpleBooleanProperty(this, "stream", true);
    private final ObjectProperty<Priority> priority = new SimpleObjectProperty<>(this, "priority", Priority.NORMAL);
    private final ObjectProperty<ResponseFormat.Type> responseFormat =
            new SimpleObjectProperty<>(this, "responseFormat", ResponseFormat.Type.TEXT);
    private final StringProperty schemaJson = new SimpleStringProperty(this, "schemaJson", "");
    private final StringProperty toolsJson = new SimpleStringProperty(this, "toolsJson", "");

    private final ObservableList<Message> conversation = FXCollections.observableArrayList();
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(this, "state", State.IDLE);
    private final StringProperty answer = new SimpleStringProperty(this, "answer", "");
    private final StringProperty reasoning = new SimpleStringProperty(this, "reasoning", "");
    private final StringProperty ttft = new SimpleStringProperty(this, "ttft", "");
    private final StringProperty ttfo = new SimpleStringProperty(this, "ttfo", "");
    private final StringProperty tokensPerSecond = new SimpleStringProperty(this, "tokensPerSecond", "");
    private final StringProperty e2e = new SimpleStringProperty(this, "e2e", "");
    private final StringProperty tokensIn = new SimpleStringProperty(this, "tokensIn", "");
    private final StringProperty tokensOut = new SimpleStringProperty(this, "tokensOut", "");
    private final StringProperty costUsd = new SimpleStringProperty(this, "costUsd", "");
    private final StringProperty costCny = new SimpleStringProperty(this, "costCny", "");
    private final IntegerProperty attempts = new SimpleIntegerProperty(this, "attempts", 0);
    private final StringProperty attemptsText = new SimpleStringProperty(this, "attemptsText", "");
    private final StringProperty errorTitle = new SimpleStringProperty(this, "errorTitle", "");
    private final StringProperty errorText = new SimpleStringProperty(this, "errorText", "");
    private final ObjectProperty<ErrorAdvice.Action> errorAction =
            new SimpleObjectProperty<>(this, "errorAction", ErrorAdvice.Action.NONE);
    private final StringProperty retryNote = new SimpleStringProperty(this, "retryNote", "");
    private final StringProperty jsonMark = new SimpleStringProperty(this, "jsonMark", "");
    private final ObjectProperty<Boolean> jsonValid = new SimpleObjectProperty<>(this, "jsonValid");
    private final StringProperty toolCalls = new SimpleStringProperty(this, "toolCalls", "");
    private final StringProperty requestJson = new SimpleStringProperty(this, "requestJson", "");
    private final StringProperty responseHeaders = new SimpleStringProperty(this, "responseHeaders", "");
    private final StringProperty rawEvents = new SimpleStringProperty(this, "rawEvents", "");
    private final StringProperty notice = new SimpleStringProperty(this, "notice", "");

    private final ObservableList<String> promptNames = FXCollections.observableArrayList();
    private final ObservableList<SavedPrompt> versions = FXCollections.observableArrayList();
    /** The saved prompt whose versions are shown (or being read). UI thread. */
    private String versionsOf;

    private final AtomicLong generation = new AtomicLong();
    private volatile StreamSink sink = StreamSink.NONE;
    private ChatRun current;
    private long runStartNanos;
    private final AtomicLong liveChunks = new AtomicLong();
    private final AtomicBoolean liveFirst = new AtomicBoolean();
    private final AtomicBoolean liveFirstAnswer = new AtomicBoolean();

    public PlaygroundViewModel(PlaygroundService service, PriceService prices, PromptLibraryService library,
                               ScheduledExecutorService background, Executor ui) {
        this.service = Objects.requireNonNull(service, "service");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.library = Objects.requireNonNull(library, "library");
        this.background = Objects.requireNonNull(background, "background");
        this.ui = Objects.requireNonNull(ui, "ui");
        attempts.addListener((o, a, n) -> attemptsText.set(n.intValue() == 0 ? "" : Integer.toString(n.intValue())));
        reloadProfiles();
        profile.addListener((o, was, now) -> {
            if (now != null) {
                refreshModels(now);
            }
        });
        refreshModels(profile.get());
        Runnable changed = this::scheduleAnalysis;
        for (StringProperty p : List.of(systemPrompt, userPrompt, model, maxTokens)) {
            p.addListener((o, a, b) -> changed.run());
        }
        conversation.addListener((javafx.collections.ListChangeListener<Message>) c -> changed.run());
        prices.addListener(() -> ui.execute(changed));
        reloadLibrary();
        scheduleAnalysis();
    }

    // ------------------------------------------------------------------ providers and models

    /** Reloads the profiles (after Settings changed them), keeping the selection when it still exists. */
    public void reloadProfiles() {
        ProviderProfile was = profile.get();
        ProviderService ps = service.providers();
        profiles.setAll(ps.profiles());
        ProviderProfile keep = was == null ? null
                : profiles.stream().filter(p -> p.name().equals(was.name())).findFirst().orElse(null);
        profile.set(keep != null ? keep : ps.defaultProfile());
    }

    private void refreshModels(ProviderProfile p) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        if (p != null && p.defaultModel() != null && !p.defaultModel().isBlank()) {
            names.add(p.defaultModel());
        }
        names.addAll(prices.models());
        models.setAll(names);
        if (p != null && p.defaultModel() != null && !p.defaultModel().isBlank()) {
            model.set(p.defaultModel());
        } else if (model.get() == null || model.get().isBlank()) {
            model.set(models.isEmpty() ? "" : models.get(0));
        }
        if (p == null) {
            return;
        }
        // the models the server lists come first, fetched off the UI thread
        background.execute(() -> {
            ProviderService.ConnectionResult r = service.providers().testConnection(p, null);
            if (r.ok() && !r.models().isEmpty()) {
                ui.execute(() -> {
                    if (p.equals(profile.get())) {
                        LinkedHashSet<String> merged = new LinkedHashSet<>(r.models());
                        merged.addAll(prices.models());
                        String keep = model.get();
                        models.setAll(merged);
                        model.set(keep);
                    }
                });
            }
        });
    }

    // ------------------------------------------------------------------ analysis (variables, estimate)

    /** Debounced: the variables, highlighting and estimate are computed off the UI thread. */
    private void scheduleAnalysis() {
        long gen = generation.incrementAndGet();
        String sys = systemPrompt.get();
        String usr = userPrompt.get();
        Map<String, String> values = variableValues();
        ChatRequest request = buildRequestOrNull(values);
        ProviderProfile p = profile.get();
        background.schedule(() -> {
            if (gen != generation.get()) {
                return;
            }
            List<String> names = PromptTemplates.variables(sys, usr);
            List<PromptTemplates.Span> ss = PromptTemplates.spans(sys);
            List<PromptTemplates.Span> us = PromptTemplates.spans(usr);
            String est;
            try {
                est = request == null ? "" : describe(prices.estimate(p == null ? null : p.name(), request));
            } catch (RuntimeException e) {
                est = "";
            }
            String estimateText = est;
            ui.execute(() -> {
                if (gen != generation.get()) {
                    return;
                }
                applyVariables(names);
                systemSpans.set(ss);
                userSpans.set(us);
                estimate.set(estimateText);
            });
        }, DEBOUNCE_MS, TimeUnit.MILLISECONDS);
    }

    private static String describe(PriceService.Estimate e) {
        String s = "≈ " + e.inputTokens() + " tokens in";
        if (e.priced()) {
            s += " · ≈ " + e.inputUsd().format() + " / " + e.inputCny().format();
        } else {
            s += " · no price";
        }
        return s;
    }

    private void applyVariables(List<String> names) {
        Map<String, Variable> old = new LinkedHashMap<>();
        for (Variable v : variables) {
            old.put(v.name(), v);
        }
        List<Variable> next = new ArrayList<>();
        for (String n : names) {
            Variable v = old.get(n);
            if (v == null) {
                v = new Variable(n);
                v.valueProperty().addListener((o, a, b) -> scheduleAnalysis());
            }
            next.add(v);
        }
        if (!next.equals(new ArrayList<>(variables))) {
            variables.setAll(next);
        }
    }

    private Map<String, String> variableValues() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Variable v : variables) {
            m.put(v.name(), v.valueProperty().get());
        }
        return m;
    }

    // ------------------------------------------------------------------ the request

    private ChatRequest buildRequestOrNull(Map<String, String> values) {
        try {
            return buildRequest(values);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The request the Run button would send now (a snapshot of the UI state). */
    public ChatRequest buildRequest() {
        return buildRequest(variableValues());
    }

    private ChatRequest buildRequest(Map<String, String> values) {
        String m = model.get() == null ? "" : model.get().trim();
        if (m.isEmpty()) {
            throw new IllegalArgumentException("choose a model");
        }
        ChatRequest.Builder b = ChatRequest.builder(m);
        String sys = PromptTemplates.fill(systemPrompt.get(), values);
        if (!sys.isBlank()) {
            b.system(sys);
        }
        for (Message msg : conversation) {
            b.message(msg);
        }
        String usr = PromptTemplates.fill(userPrompt.get(), values);
        if (!usr.isBlank()) {
            b.user(usr);
        }
        b.temperature(parseDouble(temperature.get(), "temperature"));
        b.topP(parseDouble(topP.get(), "top_p"));
        b.maxTokens(parseInt(maxTokens.get(), "max_tokens"));
        b.seed(parseLong(seed.get(), "seed"));
        boolean think = thinking.get();
        ProviderProfile p = profile.get();
        boolean streamOn = stream.get();
        if (think && p != null && ProviderPreset.isDashScope(p.baseUrl())) {
            streamOn = true; // DashScope answers thinking only when streamed
        }
        b.stream(streamOn);
        b.enableThinking(think);
        if (think) {
            b.thinkingBudget(parseInt(thinkingBudget.get(), "thinking budget"));
        }
        switch (responseFormat.get()) {
            case JSON_OBJECT -> b.responseFormat(ResponseFormat.jsonObject());
            case JSON_SCHEMA -> b.responseFormat(ResponseFormat.jsonSchema("response", schemaJson.get(), true));
            default -> { }
        }
        b.tools(parseTools(toolsJson.get()));
        return b.build();
    }

    /** Tools as a JSON array of {@code {"name","description","parameters"}} or OpenAI's {@code {"type":"function","function":{...}}}. */
    static List<ToolSpec> parseTools(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonElement root = JsonParser.parseString(json);
        JsonArray arr = root.isJsonArray() ? root.getAsJsonArray() : new JsonArray();
        if (root.isJsonObject()) {
            arr.add(root);
        }
        List<ToolSpec> out = new ArrayList<>();
        for (JsonElement e : arr) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("function")) {
                o = o.getAsJsonObject("function");
            }
            out.add(new ToolSpec(o.get("name").getAsString(),
                    o.has("description") ? o.get("description").getAsString() : null,
                    o.has("parameters") ? o.get("parameters").toString() : null));
        }
        return out;
    }

    private static Double parseDouble(String s, String what) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number");
        }
    }

    private static Integer parseInt(String s, String what) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number");
        }
    }

    private static Long parseLong(String s, String what) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number");
        }
    }

    // ------------------------------------------------------------------ run and stop

    public void setStreamSink(StreamSink s) {
        this.sink = s == null ? StreamSink.NONE : s;
    }

    public boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    /** Runs the current prompt (a snapshot taken now, on the UI thread). */
    public void run() {
        if (isRunning()) {
            return;
        }
        if (userPrompt.get().isBlank() && conversation.isEmpty()) {
            showError("Cannot run yet", "Write a prompt first (Ctrl+L goes to the prompt).", ErrorAdvice.Action.NONE);
            state.set(State.FAILED);
            return;
        }
        ChatRequest request;
        try {
            request = buildRequest();
        } catch (RuntimeException e) {
            showError("Cannot run yet", e.getMessage(), ErrorAdvice.Action.NONE);
            state.set(State.FAILED);
            return;
        }
        ProviderProfile p = profile.get();
        ChatJob job = service.job(p, request, priority.get());
        clearOutput();
        requestJson.set(pretty(service.requestJson(p, request)));
        state.set(State.RUNNING);
        StreamSink s = sink;
        s.reset();
        runStartNanos = System.nanoTime();
        liveChunks.set(0);
        liveFirst.set(false);
        liveFirstAnswer.set(false);
        String sentUser = PromptTemplates.fill(userPrompt.get(), variableValues());
        RawEvents events = new RawEvents();
        AtomicReference<String> headers = new AtomicReference<>("");
        ChatObserver observer = new ChatObserver() {
            @Override
            public void onReasoning(String delta) {
                s.reasoning(delta);
                seen();
            }

            @Override
            public void onContent(String delta) {
                s.content(delta);
                seen();
                if (liveFirstAnswer.compareAndSet(false, true)) {
                    double ms = (System.nanoTime() - runStartNanos) / 1e6;
                    ui.execute(() -> ttfo.set(ms(ms)));
                }
            }

            private void seen() {
                liveChunks.incrementAndGet();
                if (liveFirst.compareAndSet(false, true)) {
                    double ms = (System.nanoTime() - runStartNanos) / 1e6;
                    ui.execute(() -> ttft.set(ms(ms)));
                }
            }

            @Override
            public void onRawEvent(long nanosSinceStart, String data) {
                events.add(nanosSinceStart, data);
            }

            @Override
            public void onResponseHeaders(int status, Map<String, String> h) {
                StringBuilder sb = new StringBuilder("HTTP ").append(status).append('\n');
                new java.util.TreeMap<>(h).forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
                headers.set(sb.toString());
            }

            @Override
            public void onAttemptStarted(int number) {
                ui.execute(() -> {
                    attempts.set(number);
                    if (number > 1) {
                        sink.reset();
                    }
                });
            }

            @Override
            public void onRetryScheduled(Attempt failed, Duration wait, Instant at) {
                String when = HMS.format(LocalTime.ofInstant(at, ZoneId.systemDefault()));
                String why = failed.status() == null ? failed.errorKind() : "HTTP " + failed.status();
                ui.execute(() -> retryNote.set(why + ": retrying at " + when + " (in "
                        + Math.max(1, Math.round(wait.toMillis() / 1000.0)) + " s), attempt " + (failed.number() + 1)));
            }
        };
        current = service.start(job, observer, RunKind.SINGLE);
        current.result().thenAccept(o -> {
            String eventsText = events.text(); // formatted here, off the UI thread
            ui.execute(() -> {
                rawEvents.set(eventsText);
                responseHeaders.set(headers.get());
                finish(o, sentUser);
            });
        });
    }

    /**
     * The raw stream events kept for the inspector: the first {@value #HEAD} and the last
     * {@value #TAIL}, with the number left out between them, so a stream of 100,000 chunks neither
     * fills the heap nor puts megabytes into a text area. Written by the one thread that delivers
     * the stream, read once at the end.
     */
    static final class RawEvents {
        static final int HEAD = 1_000;
        static final int TAIL = 200;
        private record Event(long nanos, String data) { }

        private final List<Event> head = new ArrayList<>();
        private final java.util.ArrayDeque<Event> tail = new java.util.ArrayDeque<>();
        private long count;

        synchronized void add(long nanosSinceStart, String data) {
            count++;
            Event e = new Event(nanosSinceStart, data);
            if (head.size() < HEAD) {
                head.add(e);
                return;
            }
            if (tail.size() == TAIL) {
                tail.removeFirst();
            }
            tail.addLast(e);
        }

        synchronized String text() {
            StringBuilder sb = new StringBuilder();
            for (Event e : head) {
                line(sb, e);
            }
            long skipped = count - head.size() - tail.size();
            if (skipped > 0) {
                sb.append(String.format(Locale.ROOT, "… %,d events not shown …\n", skipped));
            }
            for (Event e : tail) {
                line(sb, e);
            }
            if (sb.length() > 0) {
                sb.setLength(sb.length() - 1);
            }
            return sb.toString();
        }

        private static void line(StringBuilder sb, Event e) {
            sb.append(String.format(Locale.ROOT, "%9.1f ms  %s", e.nanos() / 1e6, e.data())).append('\n');
        }
    }

    /** Called once per frame by the view while running: live tokens out and elapsed time. */
    public void tick() {
        if (isRunning()) {
            tokensOut.set("≈ " + liveChunks.get());
            e2e.set(ms((System.nanoTime() - runStartNanos) / 1e6));
        }
    }

    /** Stops the run; what arrived stays. */
    public void stop() {
        if (current != null && isRunning()) {
            current.cancel();
        }
    }

    private void finish(ChatOutcome o, String sentUser) {
        sink.end();
        current = null;
        Completion c = o.completion();
        answer.set(c.text());
        reasoning.set(c.reasoning());
        Timing t = c.timing();
        ttft.set(t.ttftMs() == null ? ttft.get() : ms(t.ttftMs()));
        ttfo.set(t.ttfoMs() == null ? "" : ms(t.ttfoMs()));
        Double tps = t.tokensPerSecond();
        tokensPerSecond.set(tps == null ? "" : String.format(Locale.ROOT, "%.1f", tps));
        e2e.set(t.e2eMs() == null ? "" : ms(t.e2eMs()));
        Usage u = c.usage();
        tokensIn.set(u == null || u.promptTokens() == null ? "" : (u.estimated() ? "≈ " : "") + u.promptTokens());
        tokensOut.set(u == null || u.completionTokens() == null ? "" : (u.estimated() ? "≈ " : "") + u.completionTokens());
        costUsd.set(o.costUsd() == null ? "" : o.costUsd().format());
        costCny.set(o.costCny() == null ? "" : o.costCny().format());
        attempts.set(Math.max(attempts.get(), o.attempts().size()));
        retryNote.set("");
        toolCalls.set(formatToolCalls(c.toolCalls()));
        ResponseFormat.Type rf = responseFormat.get();
        if (rf != ResponseFormat.Type.TEXT && !c.text().isBlank()) {
            JsonCheck check = JsonCheck.check(c.text(), rf == ResponseFormat.Type.JSON_SCHEMA ? schemaJson.get() : null);
            jsonValid.set(check.validJson() && !Boolean.FALSE.equals(check.schemaValid()));
            jsonMark.set((jsonValid.get() ? "✓ " : "✗ ") + check.message());
        }
        ApiError e = c.error();
        if (e == null) {
            conversation.add(Message.user(sentUser));
            conversation.add(new Message(Role.ASSISTANT, c.text(), c.toolCalls(), null));
            userPrompt.set("");
            state.set(State.DONE); // last: whoever watches the state sees the conversation as it now is
        } else if (e.kind() == ApiError.Kind.CANCELLED) {
            state.set(State.STOPPED);
            notice.set("Stopped: the text that arrived is kept.");
        } else {
            ErrorAdvice a = ErrorAdvice.of(e);
            showError(a.title(), a.text(), a.action());
            state.set(State.FAILED);
        }
    }

    static String formatToolCalls(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return "";
        }
        JsonArray arr = new JsonArray();
        for (ToolCall t : calls) {
            JsonObject o = new JsonObject();
            o.addProperty("id", t.id());
            o.addProperty("name", t.name());
            try {
                o.add("arguments", JsonParser.parseString(t.arguments()));
            } catch (RuntimeException ex) {
                o.addProperty("arguments", t.arguments());
            }
            arr.add(o);
        }
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(arr);
    }

    private static String pretty(String json) {
        try {
            return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(JsonParser.parseString(json));
        } catch (RuntimeException e) {
            return json;
        }
    }

    private void showError(String title, String text, ErrorAdvice.Action action) {
        errorTitle.set(title);
        errorText.set(text);
        errorAction.set(action);
    }

    private void clearOutput() {
        answer.set("");
        reasoning.set("");
        for (StringProperty p : List.of(ttft, ttfo, tokensPerSecond, e2e, tokensIn, tokensOut, costUsd, costCny,
                errorTitle, errorText, retryNote, jsonMark, toolCalls, responseHeaders, rawEvents, notice)) {
            p.set("");
        }
        jsonValid.set(null);
        attempts.set(0);
        errorAction.set(ErrorAdvice.Action.NONE);
    }

    private static String ms(double v) {
        return v >= 10_000 ? String.format(Locale.ROOT, "%.1f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v);
    }

    /** Turns streaming on (the way out of "thinking needs streaming"). */
    public void turnStreamingOn() {
        stream.set(true);
        errorTitle.set("");
        errorText.set("");
        errorAction.set(ErrorAdvice.Action.NONE);
    }

    // ------------------------------------------------------------------ conversation

    public void newConversation() {
        stop();
        conversation.clear();
        clearOutput();
        sink.reset();
        state.set(State.IDLE);
    }

    public void editTurn(int index, String text) {
        Message m = conversation.get(index);
        conversation.set(index, new Message(m.role(), text, m.toolCalls(), m.toolCallId()));
    }

    public void removeTurn(int index) {
        conversation.remove(index);
    }

    // ------------------------------------------------------------------ prompt library

    /** Reads the library's prompt names off the UI thread. */
    public CompletableFuture<Void> reloadLibrary() {
        return CompletableFuture.supplyAsync(library::names, background).thenAcceptAsync(promptNames::setAll, ui);
    }

    /**
     * Saves the current prompt as a new version of {@code name}, off the UI thread (the store); the
     * library's names and the prompt's versions follow. Fails (and says why in the notice) on a bad name.
     */
    public CompletableFuture<SavedPrompt> savePrompt(String name) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("model", model.get());
        params.put("temperature", temperature.get());
        params.put("top_p", topP.get());
        params.put("max_tokens", maxTokens.get());
        params.put("thinking", Boolean.toString(thinking.get()));
        params.put("thinking_budget", thinkingBudget.get());
        params.put("seed", seed.get());
        params.put("stream", Boolean.toString(stream.get()));
        params.put("response_format", responseFormat.get().name());
        params.put("schema", schemaJson.get());
        params.put("tools", toolsJson.get());
        String system = systemPrompt.get();
        String user = userPrompt.get();
        Map<String, String> vars = variableValues();
        record Saved(SavedPrompt prompt, List<String> names, List<SavedPrompt> versions) { }
        CompletableFuture<Saved> work = CompletableFuture.supplyAsync(() -> {
            SavedPrompt saved = library.save(name, system, user, vars, params);
            return new Saved(saved, library.names(), library.versions(saved.name()));
        }, background);
        return work.handleAsync((s, err) -> {
            if (err != null) {
                Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                notice.set(c.getMessage());
                throw new java.util.concurrent.CompletionException(c);
            }
            promptNames.setAll(s.names());
            versionsOf = s.prompt().name();
            versions.setAll(s.versions());
            notice.set("Saved " + s.prompt().label() + ".");
            return s.prompt();
        }, ui);
    }

    /** Reads the versions of a saved prompt off the UI thread. */
    public CompletableFuture<Void> loadVersions(String name) {
        versionsOf = name; // the answer of an earlier, slower read for another name is dropped
        if (name == null) {
            versions.clear();
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> library.versions(name), background)
                .thenAcceptAsync(v -> {
                    if (Objects.equals(versionsOf, name)) {
                        versions.setAll(v);
                    }
                }, ui);
    }

    /** Reopens a saved version: prompts, variables and parameters. */
    public void open(SavedPrompt p) {
        systemPrompt.set(p.system());
        userPrompt.set(p.user());
        Map<String, String> params = p.parameters();
        model.set(params.getOrDefault("model", model.get()));
        temperature.set(params.getOrDefault("temperature", ""));
        topP.set(params.getOrDefault("top_p", ""));
        maxTokens.set(params.getOrDefault("max_tokens", ""));
        thinking.set(Boolean.parseBoolean(params.getOrDefault("thinking", "false")));
        thinkingBudget.set(params.getOrDefault("thinking_budget", ""));
        seed.set(params.getOrDefault("seed", ""));
        stream.set(Boolean.parseBoolean(params.getOrDefault("stream", "true")));
        try {
            responseFormat.set(ResponseFormat.Type.valueOf(params.getOrDefault("response_format", "TEXT")));
        } catch (IllegalArgumentException e) {
            responseFormat.set(ResponseFormat.Type.TEXT);
        }
        schemaJson.set(params.getOrDefault("schema", ""));
        toolsJson.set(params.getOrDefault("tools", ""));
        List<String> names = PromptTemplates.variables(p.system(), p.user());
        applyVariables(names);
        for (Variable v : variables) {
            v.valueProperty().set(p.variables().getOrDefault(v.name(), ""));
        }
        notice.set("Opened " + p.label() + ".");
    }

    /** Opens a recorded run (from the History): its provider, model, prompts and settings; a new conversation. */
    public void reopen(dev.llmworkbench.service.playground.ReopenRequest r) {
        newConversation();
        if (r.provider() != null) {
            profiles.stream().filter(x -> x.name().equals(r.provider())).findFirst().ifPresent(profile::set);
        }
        if (r.model() != null) {
            model.set(r.model());
        }
        systemPrompt.set(r.systemPrompt() == null ? "" : r.systemPrompt());
        userPrompt.set(r.userPrompt());
        temperature.set(r.temperature() == null ? "" : String.valueOf(r.temperature()));
        maxTokens.set(r.maxTokens() == null ? "" : String.valueOf(r.maxTokens()));
        notice.set("Opened run #" + r.runId() + " from the history.");
    }

    /** The line diff between two versions, one line each, prefixed "+ ", "- " or "  ". */
    public String diff(SavedPrompt older, SavedPrompt newer) {
        StringBuilder sb = new StringBuilder();
        for (PromptLibraryService.DiffLine l : PromptLibraryService.diff(older, newer)) {
            sb.append(l.kind()).append(' ').append(l.text()).append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ view code

    private String code(int which) {
        ProviderProfile p = profile.get();
        String json = service.requestJson(p, buildRequest());
        String env = ProviderService.keyEnvVar(p.name());
        return switch (which) {
            case 0 -> CodeSnippets.curl(p.baseUrl(), json, env, p.extraHeaders());
            case 1 -> CodeSnippets.python(p.baseUrl(), json, env, p.extraHeaders());
            default -> CodeSnippets.java(p.baseUrl(), json, env, p.extraHeaders());
        };
    }

    public String codeCurl() {
        return code(0);
    }

    public String codePython() {
        return code(1);
    }

    public String codeJava() {
        return code(2);
    }

    // ------------------------------------------------------------------ properties

    public StringProperty systemPromptProperty() { return systemPrompt; }
    public StringProperty userPromptProperty() { return userPrompt; }
    public ObservableList<Variable> variables() { return variables; }
    public ObjectProperty<List<PromptTemplates.Span>> systemSpansProperty() { return systemSpans; }
    public ObjectProperty<List<PromptTemplates.Span>> userSpansProperty() { return userSpans; }
    public StringProperty estimateProperty() { return estimate; }
    public ObservableList<ProviderProfile> profiles() { return profiles; }
    public ObjectProperty<ProviderProfile> profileProperty() { return profile; }
    public ObservableList<String> models() { return models; }
    public StringProperty modelProperty() { return model; }
    public StringProperty temperatureProperty() { return temperature; }
    public StringProperty topPProperty() { return topP; }
    public StringProperty maxTokensProperty() { return maxTokens; }
    public BooleanProperty thinkingProperty() { return thinking; }
    public StringProperty thinkingBudgetProperty() { return thinkingBudget; }
    public StringProperty seedProperty() { return seed; }
    public BooleanProperty streamProperty() { return stream; }
    public ObjectProperty<Priority> priorityProperty() { return priority; }
    public ObjectProperty<ResponseFormat.Type> responseFormatProperty() { return responseFormat; }
    public StringProperty schemaJsonProperty() { return schemaJson; }
    public StringProperty toolsJsonProperty() { return toolsJson; }
    public ObservableList<Message> conversation() { return conversation; }
    public ObjectProperty<State> stateProperty() { return state; }
    public StringProperty answerProperty() { return answer; }
    public StringProperty reasoningProperty() { return reasoning; }
    public StringProperty ttftProperty() { return ttft; }
    public StringProperty ttfoProperty() { return ttfo; }
    public StringProperty tokensPerSecondProperty() { return tokensPerSecond; }
    public StringProperty e2eProperty() { return e2e; }
    public StringProperty tokensInProperty() { return tokensIn; }
    public StringProperty tokensOutProperty() { return tokensOut; }
    public StringProperty costUsdProperty() { return costUsd; }
    public StringProperty costCnyProperty() { return costCny; }
    public IntegerProperty attemptsProperty() { return attempts; }
    public StringProperty attemptsTextProperty() { return attemptsText; }
    public StringProperty errorTitleProperty() { return errorTitle; }
    public StringProperty errorTextProperty() { return errorText; }
    public ObjectProperty<ErrorAdvice.Action> errorActionProperty() { return errorAction; }
    public StringProperty retryNoteProperty() { return retryNote; }
    public StringProperty jsonMarkProperty() { return jsonMark; }
    public ObjectProperty<Boolean> jsonValidProperty() { return jsonValid; }
    public StringProperty toolCallsProperty() { return toolCalls; }
    public StringProperty requestJsonProperty() { return requestJson; }
    public StringProperty responseHeadersProperty() { return responseHeaders; }
    public StringProperty rawEventsProperty() { return rawEvents; }
    public StringProperty noticeProperty() { return notice; }
    public ObservableList<String> promptNames() { return promptNames; }
    public ObservableList<SavedPrompt> versions() { return versions; }
}
