package dev.llmworkbench.ui.bench;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ThinkingMode;
import dev.llmworkbench.service.bench.Arrival;
import dev.llmworkbench.service.bench.BenchPlan;
import dev.llmworkbench.service.bench.TokenLength;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.ThinkingSwitch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The benchmark form's fields, as the command line's {@code bench} options take them, and the one step that turns
 * them into a {@link BenchPlan}: the numbers are read here, every other check is the plan's own (its messages are
 * the command line's, one line each). Nothing here sends anything.
 */
public final class BenchOptions {
    /** What the levels field holds: concurrencies (closed loop) or rates (open loop). */
    public enum LoadKind {
        CONCURRENCY("concurrency"), RATE("rate (requests/s)");

        private final String label;

        LoadKind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The choices of the capacity search: none, or what it varies. */
    public static final List<String> FIND_MAX = List.of("no", "concurrency", "rate");

    /** The thinking choices: leave it to the provider, on, off (in the provider's dialect). */
    public static final List<String> THINKING = List.of("provider default", "on", "off");

    /** A plan ready to run: where, whether to stream, what. */
    public record Prepared(ProviderProfile profile, boolean stream, BenchPlan plan) {
    }

    final ObjectProperty<ProviderProfile> profile = new SimpleObjectProperty<>(this, "profile");
    final StringProperty headers = new SimpleStringProperty(this, "headers", "");
    final BooleanProperty stream = new SimpleBooleanProperty(this, "stream", true);
    final StringProperty model = new SimpleStringProperty(this, "model", "");
    final StringProperty prompt = new SimpleStringProperty(this, "prompt", "Write one short paragraph about the sea.");
    final ObjectProperty<LoadKind> loadKind = new SimpleObjectProperty<>(this, "loadKind", LoadKind.CONCURRENCY);
    final StringProperty levels = new SimpleStringProperty(this, "levels", "1,2,4,8");
    final StringProperty arrival = new SimpleStringProperty(this, "arrival", "poisson");
    final StringProperty maxConcurrency = new SimpleStringProperty(this, "maxConcurrency", "");
    final StringProperty seed = new SimpleStringProperty(this, "seed", "0");
    final StringProperty requests = new SimpleStringProperty(this, "requests", "16");
    final StringProperty durationS = new SimpleStringProperty(this, "durationS", "");
    final StringProperty warmup = new SimpleStringProperty(this, "warmup", "");
    final StringProperty inputTokens = new SimpleStringProperty(this, "inputTokens", "");
    final StringProperty outputTokens = new SimpleStringProperty(this, "outputTokens", "");
    final StringProperty maxTokens = new SimpleStringProperty(this, "maxTokens", "256");
    final StringProperty sloTtftMs = new SimpleStringProperty(this, "sloTtftMs", "");
    final StringProperty sloTpotMs = new SimpleStringProperty(this, "sloTpotMs", "");
    final StringProperty sloE2eMs = new SimpleStringProperty(this, "sloE2eMs", "");
    final StringProperty goodputMin = new SimpleStringProperty(this, "goodputMin", "0.95");
    final StringProperty findMax = new SimpleStringProperty(this, "findMax", "no");
    final StringProperty thinking = new SimpleStringProperty(this, "thinking", THINKING.get(0));
    /**
     * Not offered for a model that never thinks or always does (the catalogue's word): no switch, so the choice goes
     * back to the provider's default (nothing is sent).
     */
    private final ThinkingSwitch thinkingSwitch = new ThinkingSwitch(profile, model,
            mode -> thinking.set(THINKING.get(0)));

    /**
     * The thinking choice follows the model, as the catalogue knows it ({@code modes}: profile name or null, model →
     * mode or null), as the Playground's and Compare's switches do: a model that never thinks or always does takes no
     * switch, so the choice goes back to the provider's default (nothing is sent) and is not offered.
     */
    void followThinkingModes(BiFunction<String, String, ThinkingMode> modes) {
        thinkingSwitch.follow(modes);
    }

    /**
     * The plan these fields describe.
     *
     * @throws IllegalArgumentException with one line for a person when a field is wrong
     */
    public Prepared prepare() {
        ProviderProfile p = profile.get();
        if (p == null) {
            throw new IllegalArgumentException("choose a provider profile (or the built-in simulator)");
        }
        p = p.withHeaders(headers(headers.get()));
        boolean rate = loadKind.get() == LoadKind.RATE;
        List<Integer> concurrencies = rate ? null : integers(levels.get());
        List<Double> rates = rate ? doubles(levels.get()) : null;
        String find = blankToNull(findMax.get());
        BenchPlan plan = new BenchPlan(model.get() == null ? null : model.get().strip(), prompt.get(),
                intOr("--max-tokens", maxTokens.get(), 256),
                tokens("--input-tokens", inputTokens.get()), tokens("--output-tokens", outputTokens.get()),
                concurrencies, rates, Arrival.parse(blankToNull(arrival.get()) == null ? "poisson" : arrival.get()),
                integer("--max-concurrency", maxConcurrency.get()), longOr("--seed", seed.get(), 0),
                integer("--requests", requests.get()), number("--duration-s", durationS.get()),
                integer("--warmup", warmup.get()), number("--slo-ttft-ms", sloTtftMs.get()),
                number("--slo-tpot-ms", sloTpotMs.get()), number("--slo-e2e-ms", sloE2eMs.get()),
                goodputMin.get() == null || goodputMin.get().isBlank() ? BenchPlan.DEFAULT_GOODPUT_MIN
                        : number("--goodput-min", goodputMin.get()),
                find == null || find.equals("no") ? null : BenchPlan.FindMax.parse(find),
                thinkingSent());
        return new Prepared(p, stream.get(), plan);
    }

    /** The thinking setting sent: null (the provider's default) when asked for, or when the model takes no switch. */
    private Boolean thinkingSent() {
        if (!thinkingSwitch.offeredProperty().get()) {
            return null;
        }
        return "on".equals(thinking.get()) ? Boolean.TRUE : "off".equals(thinking.get()) ? Boolean.FALSE : null;
    }

    /** {@code K=V; K2=V2} (a value may hold {@code =} and commas): the headers added to the profile's. */
    static Map<String, String> headers(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0 || part.substring(0, eq).isBlank()) {
                throw new IllegalArgumentException("--header: expected NAME=VALUE (several separated by ;), was '"
                        + part.strip() + "'");
            }
            out.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return out;
    }

    private static List<Integer> integers(String text) {
        List<Integer> out = new ArrayList<>();
        for (String s : list(text)) {
            try {
                out.add(NumberFields.required(NumberFields.integer(s, "--concurrency"), "--concurrency"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--concurrency needs whole numbers separated by commas, e.g. 1,2,4,8;"
                        + " was '" + text.strip() + "'");
            }
        }
        return out;
    }

    private static List<Double> doubles(String text) {
        List<Double> out = new ArrayList<>();
        for (String s : list(text)) {
            try {
                out.add(NumberFields.required(NumberFields.decimal(s, "--rate"), "--rate"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--rate needs numbers separated by commas, e.g. 5,10,20; was '"
                        + text.strip() + "'");
            }
        }
        return out;
    }

    private static List<String> list(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            out.add(s.strip());
        }
        return out;
    }

    private static TokenLength tokens(String option, String text) {
        return blankToNull(text) == null ? null : TokenLength.parse(option, text);
    }

    private static Integer integer(String option, String text) {
        return NumberFields.integer(text, option);
    }

    private static int intOr(String option, String text, int fallback) {
        Integer v = integer(option, text);
        return v == null ? fallback : v;
    }

    private static long longOr(String option, String text, long fallback) {
        Long v = NumberFields.whole(text, option);
        return v == null ? fallback : v;
    }

    private static Double number(String option, String text) {
        return NumberFields.decimal(text, option);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    public ObjectProperty<ProviderProfile> profileProperty() { return profile; }
    public StringProperty headersProperty() { return headers; }
    public BooleanProperty streamProperty() { return stream; }
    public StringProperty modelProperty() { return model; }
    public StringProperty promptProperty() { return prompt; }
    public ObjectProperty<LoadKind> loadKindProperty() { return loadKind; }
    public StringProperty levelsProperty() { return levels; }
    public StringProperty arrivalProperty() { return arrival; }
    public StringProperty maxConcurrencyProperty() { return maxConcurrency; }
    public StringProperty seedProperty() { return seed; }
    public StringProperty requestsProperty() { return requests; }
    public StringProperty durationSProperty() { return durationS; }
    public StringProperty warmupProperty() { return warmup; }
    public StringProperty inputTokensProperty() { return inputTokens; }
    public StringProperty outputTokensProperty() { return outputTokens; }
    public StringProperty maxTokensProperty() { return maxTokens; }
    public StringProperty sloTtftMsProperty() { return sloTtftMs; }
    public StringProperty sloTpotMsProperty() { return sloTpotMs; }
    public StringProperty sloE2eMsProperty() { return sloE2eMs; }
    public StringProperty goodputMinProperty() { return goodputMin; }
    public StringProperty findMaxProperty() { return findMax; }
    public StringProperty thinkingProperty() { return thinking; }
    public ReadOnlyObjectProperty<ThinkingMode> thinkingModeProperty() { return thinkingSwitch.modeProperty(); }
    public ReadOnlyBooleanProperty thinkingOfferedProperty() { return thinkingSwitch.offeredProperty(); }
    /** "Thinking", or what a model without a switch does ("Thinking: never"), as the Playground's and Compare's say. */
    public ReadOnlyStringProperty thinkingLabelProperty() { return thinkingSwitch.labelProperty(); }
}
