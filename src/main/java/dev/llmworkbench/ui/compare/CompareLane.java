package dev.llmworkbench.ui.compare;

import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.service.compare.CompareMarks;
import dev.llmworkbench.service.compare.CompareSpec;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.ThinkingSwitch;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One lane of a comparison: its provider, model and parameters (as typed), and its result. The figures shown are the
 * service's outcome's, as recorded in the history: the lane formats them, it measures nothing. UI thread, except
 * {@link #sink()}, which the service's threads write to.
 */
public final class CompareLane {
    /** Where a lane's streamed text goes (thread-safe; reset and end on the UI thread). */
    public interface Sink {
        Sink NONE = new Sink() { };

        default void reset() { }

        default void text(String delta) { }

        default void reasoning(String delta) { }

        default void end() { }
    }

    private final ObjectProperty<ProviderProfile> profile = new SimpleObjectProperty<>();
    private final StringProperty model = new SimpleStringProperty("");
    private final StringProperty temperature = new SimpleStringProperty("");
    private final StringProperty topP = new SimpleStringProperty("");
    private final StringProperty maxTokens = new SimpleStringProperty("");
    private final BooleanProperty thinking = new SimpleBooleanProperty(false);
    private final StringProperty thinkingBudget = new SimpleStringProperty("");
    /** Not offered for a model that never thinks or always does (the catalogue's word): set to what it does. */
    private final ThinkingSwitch thinkingSwitch = new ThinkingSwitch(profile, model,
            mode -> thinking.set(mode.thinks(null)));

    private final StringProperty text = new SimpleStringProperty("");
    private final StringProperty reasoning = new SimpleStringProperty("");
    private final BooleanProperty hasReasoning = new SimpleBooleanProperty(false);
    private final StringProperty ttft = new SimpleStringProperty("");
    private final StringProperty tps = new SimpleStringProperty("");
    private final StringProperty e2e = new SimpleStringProperty("");
    private final StringProperty tokens = new SimpleStringProperty("");
    private final StringProperty cost = new SimpleStringProperty("");
    private final StringProperty figures = new SimpleStringProperty("");
    private final StringProperty marks = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private volatile Sink sink = Sink.NONE;
    private ChatRun run;
    /** Stop was asked for while the lane's run was still starting (off the UI thread). */
    private boolean stopRequested;
    private ChatOutcome outcome;

    CompareLane(ProviderProfile p, String m) {
        profile.set(p);
        model.set(m == null ? "" : m);
    }

    /**
     * The thinking switch follows the model, as the catalogue knows it ({@code modes}: profile name or null, model →
     * mode or null): a model that never thinks or always does is set to what it does and takes no switch.
     */
    void followThinkingModes(java.util.function.BiFunction<String, String, dev.llmworkbench.domain.ThinkingMode> modes) {
        thinkingSwitch.follow(modes);
    }

    /** The lane as the comparison sends it; fails with a message for the user on a value that does not parse. */
    CompareSpec.Lane spec() {
        if (profile.get() == null) {
            throw new IllegalArgumentException("choose a provider");
        }
        boolean think = thinking.get();
        return new CompareSpec.Lane(profile.get(), model.get(), NumberFields.decimal(temperature.get(), "temperature"),
                NumberFields.decimal(topP.get(), "top_p"), NumberFields.integer(maxTokens.get(), "max tokens"), think,
                think ? NumberFields.integer(thinkingBudget.get(), "thinking budget") : null);
    }

    /** Clears the last result before a run. */
    void begin() {
        for (StringProperty p : List.of(text, reasoning, ttft, tps, e2e, tokens, cost, figures, marks, error)) {
            p.set("");
        }
        hasReasoning.set(false);
        outcome = null;
        run = null;
        stopRequested = false;
        running.set(true);
        sink.reset();
    }

    /** The run has started: a Stop asked for meanwhile cancels it now. */
    void started(ChatRun r) {
        run = r;
        if (stopRequested) {
            r.cancel();
        }
    }

    void stop() {
        if (running.get()) {
            stopRequested = true; // a lane still starting is cancelled as soon as it has started
        }
        if (run != null) {
            run.cancel();
        }
    }

    /** The run could not start or be followed: {@code message} says why. */
    void failed(String message) {
        sink.end();
        running.set(false);
        error.set(message);
    }

    /** The service's outcome, as recorded: the text, reasoning and figures shown are its. */
    void finish(ChatOutcome o) {
        sink.end();
        outcome = o;
        running.set(false);
        Completion c = o.completion();
        text.set(c.text());
        reasoning.set(c.reasoning());
        hasReasoning.set(!c.reasoning().isEmpty());
        Timing t = c.timing();
        ttft.set(t.ttftMs() == null ? "" : ms(t.ttftMs()));
        tps.set(t.tokensPerSecond() == null ? "" : String.format(Locale.ROOT, "%.1f", t.tokensPerSecond()));
        e2e.set(t.e2eMs() == null ? "" : ms(t.e2eMs()));
        tokens.set(c.usage() == null ? "" : c.usage().promptOrZero() + " → " + c.usage().completionOrZero());
        cost.set(o.costUsd() == null ? "no price" : o.costUsd().format() + " / " + o.costCny().format());
        figures.set(String.join(" · ", List.of("TTFT " + dash(ttft.get()), dash(tps.get()) + " tok/s",
                "end-to-end " + dash(e2e.get()), "tokens " + dash(tokens.get()), cost.get())));
        if (c.error() != null) {
            ErrorAdvice a = ErrorAdvice.of(c.error());
            error.set(a.title() + ": " + a.text());
        }
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "–" : s;
    }

    /** The first reasoning arrived (called once per run, on the UI thread). */
    void reasoningStarted() {
        hasReasoning.set(true);
    }

    /** The lane's recorded figures, for the marks; a lane without an outcome did not finish. */
    CompareMarks.Figures markFigures() {
        if (outcome == null) {
            return new CompareMarks.Figures(false, null, null, null);
        }
        Timing t = outcome.completion().timing();
        BigDecimal usd = outcome.costUsd() == null ? null : outcome.costUsd().amount();
        return new CompareMarks.Figures(outcome.ok(), t.ttftMs(), t.e2eMs(), usd);
    }

    void setMarks(List<CompareMarks.Mark> m) {
        marks.set(m.stream().map(CompareMarks.Mark::word).collect(Collectors.joining(" · ")));
    }

    ChatOutcome outcome() {
        return outcome;
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.0f ms", v);
    }

    /** "Simulator · qwen3-235b-a22b". */
    public String label() {
        return (profile.get() == null ? "?" : profile.get().name()) + " · " + model.get();
    }

    public void setSink(Sink s) {
        sink = s == null ? Sink.NONE : s;
    }

    Sink sink() {
        return sink;
    }

    public ObjectProperty<ProviderProfile> profileProperty() { return profile; }
    public StringProperty modelProperty() { return model; }
    public StringProperty temperatureProperty() { return temperature; }
    public StringProperty topPProperty() { return topP; }
    public StringProperty maxTokensProperty() { return maxTokens; }
    public BooleanProperty thinkingProperty() { return thinking; }
    public javafx.beans.property.ReadOnlyStringProperty thinkingLabelProperty() {
        return thinkingSwitch.labelProperty();
    }
    public javafx.beans.property.ReadOnlyBooleanProperty thinkingOfferedProperty() {
        return thinkingSwitch.offeredProperty();
    }
    public StringProperty thinkingBudgetProperty() { return thinkingBudget; }
    public StringProperty textProperty() { return text; }
    public StringProperty reasoningProperty() { return reasoning; }
    public BooleanProperty hasReasoningProperty() { return hasReasoning; }
    public StringProperty ttftProperty() { return ttft; }
    public StringProperty tpsProperty() { return tps; }
    public StringProperty e2eProperty() { return e2e; }
    public StringProperty tokensProperty() { return tokens; }
    public StringProperty costProperty() { return cost; }
    public StringProperty figuresProperty() { return figures; }
    public StringProperty marksProperty() { return marks; }
    public StringProperty errorProperty() { return error; }
    public BooleanProperty runningProperty() { return running; }
}
