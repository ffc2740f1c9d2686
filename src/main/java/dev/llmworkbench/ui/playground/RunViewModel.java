package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.service.playground.CodeSnippets;
import dev.llmworkbench.service.playground.ConversationTree;
import dev.llmworkbench.service.playground.JsonCheck;
import dev.llmworkbench.service.playground.PlaygroundDraft;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.ui.common.Tasks;
import dev.llmworkbench.ui.playground.PlaygroundViewModel.State;
import dev.llmworkbench.ui.playground.PlaygroundViewModel.StreamSink;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;

/**
 * One run of the playground: the request built from the prompts, the conversation and the
 * parameters; run and stop; the streamed text to the {@link StreamSink}; the answer, errors in
 * place, the JSON check, tool calls and the inspector; the metrics in {@link MetricsViewModel}.
 * The state is derived in one place ({@link #settle}) from whether a run is in flight and what the
 * last one came to. UI thread, apart from the observer's callbacks, which hop to it.
 */
final class RunViewModel {
    private final ReadOnlyStringWrapper unfilled = new ReadOnlyStringWrapper(this, "unfilled", "");
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** What the last run came to (or the last attempt to start one). */
    private enum Ending { NONE, ANSWERED, STOPPED, FAILED }

    private final PlaygroundService service;
    private final PromptEditorViewModel editor;
    private final ConversationViewModel conversation;
    private final ParametersViewModel parameters;
    private final StringProperty notice;
    private final Tasks tasks;
    private final Executor ui;
    /** Stop was asked for before the run had started (it starts off the UI thread). UI thread. */
    private boolean stopRequested;
    private final MetricsViewModel metrics;

    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.IDLE);
    private final ReadOnlyStringWrapper answer = new ReadOnlyStringWrapper(this, "answer", "");
    private final ReadOnlyStringWrapper reasoning = new ReadOnlyStringWrapper(this, "reasoning", "");
    private final ReadOnlyStringWrapper errorTitle = new ReadOnlyStringWrapper(this, "errorTitle", "");
    private final ReadOnlyStringWrapper errorText = new ReadOnlyStringWrapper(this, "errorText", "");
    private final ReadOnlyObjectWrapper<ErrorAdvice.Action> errorAction =
            new ReadOnlyObjectWrapper<>(this, "errorAction", ErrorAdvice.Action.NONE);
    private final ReadOnlyStringWrapper retryNote = new ReadOnlyStringWrapper(this, "retryNote", "");
    private final ReadOnlyStringWrapper jsonMark = new ReadOnlyStringWrapper(this, "jsonMark", "");
    private final ReadOnlyObjectWrapper<Boolean> jsonValid = new ReadOnlyObjectWrapper<>(this, "jsonValid");
    private final ReadOnlyStringWrapper toolCalls = new ReadOnlyStringWrapper(this, "toolCalls", "");
    private final ReadOnlyStringWrapper requestJson = new ReadOnlyStringWrapper(this, "requestJson", "");
    private final ReadOnlyStringWrapper responseHeaders = new ReadOnlyStringWrapper(this, "responseHeaders", "");
    private final ReadOnlyStringWrapper rawEvents = new ReadOnlyStringWrapper(this, "rawEvents", "");

    private volatile StreamSink sink = StreamSink.NONE;
    private ChatRun current;
    private boolean running;
    private Ending ending = Ending.NONE;

    RunViewModel(PlaygroundService service, PromptEditorViewModel editor, ConversationViewModel conversation,
                 ParametersViewModel parameters, StringProperty notice, Tasks tasks, Executor ui) {
        this.service = Objects.requireNonNull(service, "service");
        this.editor = Objects.requireNonNull(editor, "editor");
        this.conversation = Objects.requireNonNull(conversation, "conversation");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.notice = Objects.requireNonNull(notice, "notice");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.ui = Objects.requireNonNull(ui, "ui");
        this.metrics = new MetricsViewModel(ui);
    }

    // ------------------------------------------------------------------ the state

    /** The one place the state is set: from whether a run is in flight and what the last one came to. */
    private void settle(boolean inFlight, Ending last) {
        running = inFlight;
        ending = last;
        state.set(running ? State.RUNNING : switch (ending) {
            case NONE -> State.IDLE;
            case ANSWERED -> State.DONE;
            case STOPPED -> State.STOPPED;
            case FAILED -> State.FAILED;
        });
    }

    private static Ending endingOf(ApiError e) {
        return e == null ? Ending.ANSWERED : e.kind() == ApiError.Kind.CANCELLED ? Ending.STOPPED : Ending.FAILED;
    }

    boolean isRunning() {
        return running;
    }

    // ------------------------------------------------------------------ the request

    /** The request with these variable values, or null when it is not complete (for the estimate). */
    ChatRequest buildRequestOrNull(Map<String, String> values) {
        try {
            return buildRequest(values);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The request the Run button would send now (a snapshot of the UI state). */
    ChatRequest buildRequest() {
        return buildRequest(editor.variableValues());
    }

    private ChatRequest buildRequest(Map<String, String> values) {
        return buildRequest(values, true);
    }

    /** The request: the system prompt, the conversation, and ({@code withPrompt}) the user prompt. */
    private ChatRequest buildRequest(Map<String, String> values, boolean withPrompt) {
        ChatRequest.Builder b = parameters.newRequest();
        String sys = editor.system(values);
        if (!sys.isBlank()) {
            b.system(sys);
        }
        conversation.appendTo(b);
        String usr = editor.user(values);
        if (withPrompt && !usr.isBlank()) {
            b.user(usr);
        }
        parameters.applyTo(b);
        return b.build();
    }

    /** The current request as code: 0 curl, 1 Python, else Java; the key is read from an environment variable. */
    String code(int which) {
        ProviderProfile p = parameters.profileProperty().get();
        String json = service.requestJson(p, buildRequest());
        String env = ProviderService.keyEnvVar(p.name());
        // the embedded simulator's port is this app's, temporary: the code starts its own simulator instead
        String base = service.providers().isSimulator(p) ? null : p.baseUrl();
        return switch (which) {
            case 0 -> CodeSnippets.curl(base, json, env, p.extraHeaders());
            case 1 -> CodeSnippets.python(base, json, env, p.extraHeaders());
            default -> CodeSnippets.java(base, json, env, p.extraHeaders());
        };
    }

    // ------------------------------------------------------------------ run and stop

    void setStreamSink(StreamSink s) {
        this.sink = s == null ? StreamSink.NONE : s;
    }

    /** Runs the current prompt (a snapshot taken now, on the UI thread). */
    void run() {
        run(false);
    }

    /**
     * Runs the current prompt; {@code emptyVariablesMeant}: variables left empty are meant to be sent as empty
     * text ("Send anyway"), else a run with an unfilled variable is refused and {@link #unfilledProperty()} names
     * them.
     */
    void run(boolean emptyVariablesMeant) {
        if (isRunning()) {
            return;
        }
        if (editor.userPromptProperty().get().isBlank() && conversation.isEmpty()) {
            reject("Write a prompt first (Ctrl+L goes to the prompt).");
            return;
        }
        List<String> empty = editor.variableValues().entrySet().stream().filter(e -> e.getValue().isEmpty())
                .map(e -> "{{" + e.getKey() + "}}").toList();
        if (!empty.isEmpty() && !emptyVariablesMeant) {
            unfilled.set(String.join(", ", empty));
            reject("Fill in " + String.join(", ", empty) + " first, or choose Send anyway to send "
                    + (empty.size() == 1 ? "it" : "them") + " as empty text.");
            return;
        }
        unfilled.set("");
        ChatRequest request;
        try {
            request = buildRequest();
        } catch (RuntimeException e) {
            reject(e.getMessage());
            return;
        }
        String sentUser = editor.user(editor.variableValues());
        // what the Playground holds now, kept with the run: the History reopens it as it was
        PlaygroundDraft draft = new PlaygroundDraft(editor.systemPromptProperty().get(),
                editor.userPromptProperty().get(), editor.variableValues(), parameters.toMap(), conversation.turns(),
                conversation.tree());
        start(request, sentUser, draft);
    }

    /**
     * Runs the conversation as it stands, its last turn a prompt (a regenerated answer, an edited prompt): the
     * answer follows that turn. Nothing happens while a run is in flight or when the last turn is not a prompt.
     */
    void runFromHead() {
        ConversationTree.Turn head = conversation.head();
        if (isRunning() || head == null || head.role() != Role.USER) {
            return;
        }
        ChatRequest request;
        try {
            request = buildRequest(editor.variableValues(), false);
        } catch (RuntimeException e) {
            reject(e.getMessage());
            return;
        }
        // reopened from the History, the same request: the conversation before the prompt, then the prompt
        ConversationTree before = conversation.tree().cutAt(head.parent());
        PlaygroundDraft draft = new PlaygroundDraft(editor.systemPromptProperty().get(), head.text(),
                editor.variableValues(), parameters.toMap(), before.messages(), before);
        start(request, null, draft);
    }

    /** Sends a request; {@code sentUser}: the prompt that follows the conversation, null when it is its last turn. */
    private void start(ChatRequest request, String sentUser, PlaygroundDraft draft) {
        ProviderProfile p = parameters.profileProperty().get();
        Priority priority = parameters.priorityProperty().get();
        clearOutput();
        requestJson.set(RequestValues.pretty(service.requestJson(p, request)));
        settle(true, Ending.NONE);
        stopRequested = false;
        StreamSink s = sink;
        s.reset();
        s.prompt(sentUser == null ? "" : sentUser);
        metrics.start();
        RawEvents events = new RawEvents();
        AtomicReference<String> headers = new AtomicReference<>("");
        ChatObserver observer = observer(s, events, headers, sentUser == null ? "" : sentUser);
        record Finished(ChatOutcome outcome, String events) { }
        // the job reads the provider's key (the OS keyring: a process start), so the run starts off the UI thread
        tasks.call("starting a run", () -> service.start(service.job(p, request, priority), observer, RunKind.SINGLE,
                draft), started -> {
                    current = started;
                    if (stopRequested) {
                        started.cancel();
                    }
                }, error -> {
                    showError("Cannot run", error, ErrorAdvice.Action.NONE);
                    settle(false, Ending.FAILED);
                })
                // the raw events are formatted off the UI thread, on the thread that ends the run
                .thenCompose(started -> tasks.follow("a run", started.result()
                        .thenApply(o -> new Finished(o, events.text())), f -> {
                            rawEvents.set(f.events());
                            responseHeaders.set(headers.get());
                            finish(f.outcome(), sentUser);
                        }, error -> {
                            current = null;
                            sink.end();
                            showError("The run failed", error, ErrorAdvice.Action.NONE);
                            settle(false, Ending.FAILED);
                        }));
    }

    private void reject(String why) {
        showError("Cannot run yet", why, ErrorAdvice.Action.NONE);
        settle(false, Ending.FAILED);
    }

    /** Streamed text to the sink, live metrics, raw events and headers; called on the service's threads. */
    private ChatObserver observer(StreamSink s, RawEvents events, AtomicReference<String> headers, String prompt) {
        return new ChatObserver() {
            @Override
            public void onReasoning(String delta) {
                s.reasoning(delta);
                metrics.seenText();
            }

            @Override
            public void onContent(String delta) {
                s.content(delta);
                metrics.seenText();
                metrics.seenAnswer();
            }

            @Override
            public void onRawEvent(long nanosSinceStart, String data) {
                events.add(nanosSinceStart, data);
            }

            @Override
            public void onResponseHeaders(int status, Map<String, String> h) {
                StringBuilder sb = new StringBuilder("HTTP ").append(status).append('\n');
                new TreeMap<>(h).forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
                headers.set(sb.toString());
            }

            @Override
            public void onAttemptStarted(int number) {
                ui.execute(() -> {
                    metrics.attempt(number);
                    if (number > 1) {
                        sink.reset();
                        sink.prompt(prompt);
                    }
                });
            }

            @Override
            public void onRetryScheduled(Attempt failed, Duration wait, Instant at) {
                String when = HMS.format(LocalTime.ofInstant(at, ZoneId.systemDefault()));
                String why = failed.httpStatus() == null ? failed.errorKind() : "HTTP " + failed.httpStatus();
                ui.execute(() -> retryNote.set(why + ": retrying in " + String.format(java.util.Locale.ROOT, "%.1f s",
                        wait.toMillis() / 1000.0) + " (at " + when + "), attempt " + (failed.number() + 1)));
            }
        };
    }

    /** Called once per frame by the view while running: live tokens out and elapsed time. */
    void tick() {
        if (isRunning()) {
            metrics.tick();
        }
    }

    /** The variables a refused run left unfilled ("{{topic}}, {{audience}}"); empty when none. */
    ReadOnlyStringProperty unfilledProperty() {
        return unfilled.getReadOnlyProperty();
    }

    /** Shows a recorded run's prompt, answer and reasoning (reopened from the History), as a run would have. */
    void showRecorded(String prompt, String answerText, String reasoningText) {
        if (isRunning()) {
            return;
        }
        clearOutput();
        sink.reset();
        sink.prompt(prompt == null ? "" : prompt);
        if (reasoningText != null && !reasoningText.isEmpty()) {
            sink.reasoning(reasoningText);
        }
        if (answerText != null) {
            sink.content(answerText);
        }
        sink.end();
        answer.set(answerText == null ? "" : answerText);
        reasoning.set(reasoningText == null ? "" : reasoningText);
    }

    /** Stops the run; what arrived stays. */
    void stop() {
        if (isRunning()) {
            stopRequested = true; // a run still starting is cancelled as soon as it has started
            if (current != null) {
                current.cancel();
            }
        }
    }

    private void finish(ChatOutcome o, String sentUser) {
        sink.end();
        current = null;
        Completion c = o.completion();
        answer.set(c.text());
        reasoning.set(c.reasoning());
        metrics.finish(o);
        retryNote.set(o.retryText()); // after the run, what the retries were: "retried after HTTP 429 (waited 0.3 s)"
        toolCalls.set(RequestValues.formatToolCalls(c.toolCalls()));
        ResponseFormat.Type rf = parameters.responseFormatProperty().get();
        if (rf != ResponseFormat.Type.TEXT && !c.text().isBlank()) {
            String schema = rf == ResponseFormat.Type.JSON_SCHEMA ? parameters.schemaJsonProperty().get() : null;
            JsonCheck check = JsonCheck.check(c.text(), schema);
            jsonValid.set(check.validJson() && !Boolean.FALSE.equals(check.schemaValid()));
            jsonMark.set((jsonValid.get() ? "✓ " : "✗ ") + check.message());
        }
        ApiError e = c.error();
        if (e == null) {
            // the prompt and its variables' values stay: the next run is edited from them, not typed again
            Message said = new Message(Role.ASSISTANT, c.text(), c.toolCalls(), null);
            Integer out = c.usage() == null ? null : c.usage().completionTokens();
            java.math.BigDecimal cost = o.costUsd() == null ? null : o.costUsd().amount();
            if (sentUser == null) {
                conversation.addAnswer(said, c.reasoning(), c.timing().ttftMs(), out, cost);
            } else {
                conversation.add(Message.user(sentUser), said, c.reasoning(), c.timing().ttftMs(), out, cost);
            }
        } else if (e.kind() != ApiError.Kind.CANCELLED) {
            ErrorAdvice a = ErrorAdvice.of(e);
            showError(a.title(), a.text(), a.action());
        }
        settle(false, endingOf(e)); // after the conversation: whoever watches the state sees it as it now is
        if (e != null && e.kind() == ApiError.Kind.CANCELLED) {
            notice.set("Stopped: the text that arrived is kept.");
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
        metrics.clear();
        for (StringProperty p : List.of(errorTitle, errorText, retryNote, jsonMark, toolCalls, responseHeaders,
                rawEvents, notice)) {
            p.set("");
        }
        jsonValid.set(null);
        errorAction.set(ErrorAdvice.Action.NONE);
    }

    /** Back to the start (a new conversation): no output, no error, the state idle; a run in flight is forgotten. */
    void reset() {
        clearOutput();
        sink.reset();
        settle(false, Ending.NONE);
    }

    /** Turns streaming on (the way out of "thinking needs streaming"). */
    void turnStreamingOn() {
        parameters.streamProperty().set(true);
        showError("", "", ErrorAdvice.Action.NONE);
    }

    // ------------------------------------------------------------------ properties

    MetricsViewModel metrics() { return metrics; }
    ReadOnlyObjectProperty<State> stateProperty() { return state.getReadOnlyProperty(); }
    ReadOnlyStringProperty answerProperty() { return answer.getReadOnlyProperty(); }
    ReadOnlyStringProperty reasoningProperty() { return reasoning.getReadOnlyProperty(); }
    ReadOnlyStringProperty errorTitleProperty() { return errorTitle.getReadOnlyProperty(); }
    ReadOnlyStringProperty errorTextProperty() { return errorText.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<ErrorAdvice.Action> errorActionProperty() { return errorAction.getReadOnlyProperty(); }
    ReadOnlyStringProperty retryNoteProperty() { return retryNote.getReadOnlyProperty(); }
    ReadOnlyStringProperty jsonMarkProperty() { return jsonMark.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<Boolean> jsonValidProperty() { return jsonValid.getReadOnlyProperty(); }
    ReadOnlyStringProperty toolCallsProperty() { return toolCalls.getReadOnlyProperty(); }
    ReadOnlyStringProperty requestJsonProperty() { return requestJson.getReadOnlyProperty(); }
    ReadOnlyStringProperty responseHeadersProperty() { return responseHeaders.getReadOnlyProperty(); }
    ReadOnlyStringProperty rawEventsProperty() { return rawEvents.getReadOnlyProperty(); }
}
