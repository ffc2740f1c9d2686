package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.service.playground.ConversationTree;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.service.playground.PlaygroundDraft;
import dev.llmworkbench.service.playground.ReopenRequest;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.ui.common.Tasks;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The playground's state and actions, on the FX thread (through the given UI executor): a facade
 * that owns and wires the parts, each with one job: {@link PromptEditorViewModel} (the prompts,
 * their variables, the estimate), {@link ParametersViewModel} (provider, model, parameters),
 * {@link ConversationViewModel} (the turns), {@link RunViewModel} (the request, run and stop, the
 * output and the state; its {@link MetricsViewModel}) and {@link PromptLibraryViewModel} (saved
 * prompts and their versions). Streamed text goes to a {@link StreamSink} (the view's per-frame
 * buffers), never one UI task per token; the estimate and the variables form are computed off the
 * UI thread, debounced. What the view only shows is read-only.
 */
public final class PlaygroundViewModel {
    /** Where streamed text goes; called on the service's threads, so it must be thread-safe. */
    public interface StreamSink {
        StreamSink NONE = new StreamSink() { };

        /** A new run (or attempt) starts: clear. Called on the UI thread. */
        default void reset() { }

        /** After {@link #reset()}: the prompt the run sends after the conversation; empty when none. UI thread. */
        default void prompt(String text) { }

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

    /** The one line of news under the library (saved, opened, stopped, or why a save failed). */
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
    private final ParametersViewModel parameters;
    private final PromptEditorViewModel editor;
    private final ConversationViewModel conversation = new ConversationViewModel();
    private final RunViewModel run;
    private final PromptLibraryViewModel library;
    private final Tasks tasks;

    public PlaygroundViewModel(PlaygroundService service, PriceService prices, PromptLibraryService library,
                               ScheduledExecutorService background, Executor ui) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(ui, "ui");
        tasks = new Tasks(background, ui);
        parameters = new ParametersViewModel(service, prices, tasks);
        editor = new PromptEditorViewModel(prices, background, ui, parameters.profileProperty()::get);
        run = new RunViewModel(service, editor, conversation, parameters, notice, tasks, ui);
        this.library = new PromptLibraryViewModel(library, editor, parameters, notice, tasks);
        // the estimate follows the request: the prompts (the editor listens to them), the model,
        // max_tokens, the conversation and the prices
        editor.estimateRequestsWith(run::buildRequestOrNull);
        Runnable changed = editor::scheduleAnalysis;
        for (StringProperty p : List.of(parameters.modelProperty(), parameters.maxTokensProperty())) {
            p.addListener((o, a, b) -> changed.run());
        }
        conversation.turns().addListener((ListChangeListener<Message>) c -> changed.run());
        prices.addListener(() -> ui.execute(changed));
        this.library.reload(); // a failure is said in the notice
        editor.scheduleAnalysis();
    }

    // ------------------------------------------------------------------ actions

    /**
     * The view's own work off the UI thread (parsing a long answer's Markdown): {@code then} gets the result on the
     * UI thread; a failure is logged, and the view keeps what it shows.
     */
    public <T> void offUiThread(String what, Callable<T> job, Consumer<? super T> then) {
        tasks.call(what, job, then, message -> { });
    }

    /** Reloads the profiles (after Settings changed them), keeping the selection when it still exists. */
    public void reloadProfiles() { parameters.reloadProfiles(); }

    /** The request the Run button would send now (a snapshot of the UI state). */
    public ChatRequest buildRequest() { return run.buildRequest(); }

    public void setStreamSink(StreamSink s) { run.setStreamSink(s); }

    public boolean isRunning() { return run.isRunning(); }

    /** Runs the current prompt (a snapshot taken now, on the UI thread). */
    public void run() { run.run(); }

    /** Runs with the variables left empty sent as empty text (after a run was refused for them). */
    public void runAnyway() { run.run(true); }

    /** The variables a refused run left unfilled ("{{topic}}, {{audience}}"); empty when none. */
    public ReadOnlyStringProperty unfilledProperty() { return run.unfilledProperty(); }

    /** Called once per frame by the view while running: live tokens out and elapsed time. */
    public void tick() { run.tick(); }

    /** Stops the run; what arrived stays. */
    public void stop() { run.stop(); }

    /** Turns streaming on (the way out of "thinking needs streaming"). */
    public void turnStreamingOn() { run.turnStreamingOn(); }

    public void newConversation() {
        run.stop();
        conversation.clear();
        run.reset();
    }

    /** Replaces the text of the conversation's turn at {@code index}, in place (no branch). */
    public void editTurn(int index, String text) { conversation.edit(index, text); }

    /** Removes the conversation's turn at {@code index}; the turns after it follow. */
    public void removeTurn(int index) { conversation.remove(index); }

    /**
     * Regenerates the last answer: the conversation goes back to its prompt and runs again; the new answer is a
     * sibling of the old one (both kept). Nothing happens while running or when the last turn is not an answer.
     */
    public void regenerate() {
        ConversationTree.Turn head = conversation.head();
        if (run.isRunning() || head == null || head.role() != Role.ASSISTANT) {
            return;
        }
        conversation.cutAt(head.parent());
        run.runFromHead();
    }

    /** Sends an edited prompt: a sibling of the user turn {@code turnId} (the old one kept), then a run. */
    public void editAndRun(int turnId, String text) {
        if (run.isRunning() || conversation.tree().turn(turnId).role() != Role.USER) {
            return;
        }
        conversation.addSiblingPrompt(turnId, text);
        run.runFromHead();
    }

    /**
     * Branches at a turn: the conversation continues from it (a user turn: from before it, its text back in the
     * prompt editor); the turns after it stay, as a branch the switcher brings back.
     */
    public void branchFrom(int turnId) {
        if (run.isRunning()) {
            return;
        }
        ConversationTree.Turn t = conversation.tree().turn(turnId);
        if (t.role() == Role.USER) {
            conversation.cutAt(t.parent());
            editor.userPromptProperty().set(t.text());
        } else {
            conversation.cutAt(turnId);
        }
        run.reset();
    }

    /** Switches the turn {@code turnId} to its sibling {@code delta} places away (the branch switcher). */
    public void switchBranch(int turnId, int delta) {
        if (run.isRunning()) {
            return;
        }
        List<ConversationTree.Turn> sib = conversation.tree().siblings(turnId);
        int at = sib.indexOf(conversation.tree().turn(turnId)) + delta;
        if (at >= 0 && at < sib.size()) {
            conversation.select(sib.get(at).id());
            run.reset();
        }
    }

    /** Reads the library's prompt names off the UI thread. */
    public CompletableFuture<Void> reloadLibrary() { return library.reload(); }

    /**
     * Saves the current prompt as a new version of {@code name}, off the UI thread (the store); the
     * library's names and the prompt's versions follow. Fails (and says why in the notice) on a bad name.
     */
    public CompletableFuture<SavedPrompt> savePrompt(String name) { return library.save(name); }

    /** Reads the versions of a saved prompt off the UI thread. */
    public CompletableFuture<Void> loadVersions(String name) { return library.loadVersions(name); }

    /** Reopens a saved version: prompts, variables and parameters. */
    public void open(SavedPrompt p) { library.open(p); }

    /** The line diff between two versions, one line each, prefixed "+ ", "- " or "  ". */
    public String diff(SavedPrompt older, SavedPrompt newer) { return library.diff(older, newer); }

    /**
     * Opens a recorded run (from the History) as it was: its provider, the prompt templates with their
     * variables' values, the parameters, the conversation before the prompt, and its answer. A Run then sends
     * the same request again. A run recorded without the Playground's state opens its prompts and settings.
     */
    public void reopen(ReopenRequest r) {
        newConversation();
        if (r.provider() != null) {
            parameters.selectProfile(r.provider());
        }
        PlaygroundDraft d = r.draft();
        if (d != null) {
            parameters.apply(d.parameters());
            editor.open(d.systemTemplate(), d.userTemplate(), d.variables());
            conversation.restore(d.conversation(), d.tree());
        } else {
            if (r.model() != null) {
                parameters.modelProperty().set(r.model());
            }
            editor.systemPromptProperty().set(r.systemPrompt() == null ? "" : r.systemPrompt());
            editor.userPromptProperty().set(r.userPrompt());
            parameters.temperatureProperty().set(r.temperature() == null ? "" : String.valueOf(r.temperature()));
            parameters.maxTokensProperty().set(r.maxTokens() == null ? "" : String.valueOf(r.maxTokens()));
        }
        run.showRecorded(r.userPrompt(), r.answer(), r.reasoning());
        notice.set("Opened run #" + r.runId() + " from the history.");
    }

    public String codeCurl() { return run.code(0); }

    public String codePython() { return run.code(1); }

    public String codeJava() { return run.code(2); }

    // ------------------------------------------------------------------ properties: what the user edits

    public StringProperty systemPromptProperty() { return editor.systemPromptProperty(); }
    public StringProperty userPromptProperty() { return editor.userPromptProperty(); }
    public ObservableList<ProviderProfile> profiles() { return parameters.profiles(); }
    public ObjectProperty<ProviderProfile> profileProperty() { return parameters.profileProperty(); }
    public ObservableList<String> models() { return parameters.models(); }
    public StringProperty modelProperty() { return parameters.modelProperty(); }
    public StringProperty temperatureProperty() { return parameters.temperatureProperty(); }
    public StringProperty topPProperty() { return parameters.topPProperty(); }
    public StringProperty maxTokensProperty() { return parameters.maxTokensProperty(); }
    public BooleanProperty thinkingProperty() { return parameters.thinkingProperty(); }
    /** False for a model that never thinks or always does (the catalogue's word): the switch is not offered. */
    public javafx.beans.property.ReadOnlyBooleanProperty thinkingOfferedProperty() {
        return parameters.thinkingOfferedProperty();
    }
    /** What the catalogue says of the model's thinking (null: it does not say). */
    public javafx.beans.property.ReadOnlyObjectProperty<dev.llmworkbench.domain.ThinkingMode> thinkingModeProperty() {
        return parameters.thinkingModeProperty();
    }
    /** The thinking switch's label: "Thinking", or what a model without a switch does ("Thinking: never"). */
    public javafx.beans.property.ReadOnlyStringProperty thinkingLabelProperty() {
        return parameters.thinkingLabelProperty();
    }
    public StringProperty thinkingBudgetProperty() { return parameters.thinkingBudgetProperty(); }
    public StringProperty seedProperty() { return parameters.seedProperty(); }
    public BooleanProperty streamProperty() { return parameters.streamProperty(); }
    public ObjectProperty<Priority> priorityProperty() { return parameters.priorityProperty(); }
    public ObjectProperty<ResponseFormat.Type> responseFormatProperty() { return parameters.responseFormatProperty(); }
    public StringProperty schemaJsonProperty() { return parameters.schemaJsonProperty(); }
    public StringProperty toolsJsonProperty() { return parameters.toolsJsonProperty(); }

    // ------------------------------------------------------------------ properties: what the view shows (read-only)

    /** The variables found in the prompts (the list is read-only; each value is the user's). */
    public ObservableList<Variable> variables() { return editor.variables(); }
    public ReadOnlyObjectProperty<List<PromptTemplates.Span>> systemSpansProperty() { return editor.systemSpansProperty(); }
    public ReadOnlyObjectProperty<List<PromptTemplates.Span>> userSpansProperty() { return editor.userSpansProperty(); }
    public ReadOnlyStringProperty estimateProperty() { return editor.estimateProperty(); }
    public ObservableList<Message> conversation() { return conversation.turns(); }
    /** The conversation with its branches; its path is {@link #conversation()}. */
    public ReadOnlyObjectProperty<ConversationTree> conversationTreeProperty() { return conversation.treeProperty(); }
    public ReadOnlyObjectProperty<State> stateProperty() { return run.stateProperty(); }
    public ReadOnlyStringProperty answerProperty() { return run.answerProperty(); }
    public ReadOnlyStringProperty reasoningProperty() { return run.reasoningProperty(); }
    public ReadOnlyStringProperty ttftProperty() { return run.metrics().ttftProperty(); }
    public ReadOnlyStringProperty ttfoProperty() { return run.metrics().ttfoProperty(); }
    public ReadOnlyStringProperty tokensPerSecondProperty() { return run.metrics().tokensPerSecondProperty(); }
    public ReadOnlyStringProperty e2eProperty() { return run.metrics().e2eProperty(); }
    public ReadOnlyStringProperty tokensInProperty() { return run.metrics().tokensInProperty(); }
    public ReadOnlyStringProperty tokensOutProperty() { return run.metrics().tokensOutProperty(); }
    public ReadOnlyStringProperty costUsdProperty() { return run.metrics().costUsdProperty(); }
    public ReadOnlyStringProperty reasoningTokensProperty() { return run.metrics().reasoningTokensProperty(); }
    /** Each part of the last run's cost at its price, and the price entry used. */
    public ReadOnlyStringProperty costDetailProperty() { return run.metrics().costDetailProperty(); }
    public ReadOnlyStringProperty costCnyProperty() { return run.metrics().costCnyProperty(); }
    public ReadOnlyIntegerProperty attemptsProperty() { return run.metrics().attemptsProperty(); }
    public ReadOnlyStringProperty attemptsTextProperty() { return run.metrics().attemptsTextProperty(); }
    public ReadOnlyStringProperty errorTitleProperty() { return run.errorTitleProperty(); }
    public ReadOnlyStringProperty errorTextProperty() { return run.errorTextProperty(); }
    public ReadOnlyObjectProperty<ErrorAdvice.Action> errorActionProperty() { return run.errorActionProperty(); }
    public ReadOnlyStringProperty retryNoteProperty() { return run.retryNoteProperty(); }
    public ReadOnlyStringProperty jsonMarkProperty() { return run.jsonMarkProperty(); }
    public ReadOnlyObjectProperty<Boolean> jsonValidProperty() { return run.jsonValidProperty(); }
    public ReadOnlyStringProperty toolCallsProperty() { return run.toolCallsProperty(); }
    public ReadOnlyStringProperty requestJsonProperty() { return run.requestJsonProperty(); }
    public ReadOnlyStringProperty responseHeadersProperty() { return run.responseHeadersProperty(); }
    public ReadOnlyStringProperty rawEventsProperty() { return run.rawEventsProperty(); }
    public ReadOnlyStringProperty noticeProperty() { return notice.getReadOnlyProperty(); }
    public ObservableList<String> promptNames() { return library.promptNames(); }
    public ObservableList<SavedPrompt> versions() { return library.versions(); }
}
