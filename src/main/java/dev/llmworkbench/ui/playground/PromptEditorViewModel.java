package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.service.providers.PriceService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The prompt editors: the system and user prompt templates, their {@code {{variables}}} with a value
 * each, the highlighting of the variables and the estimate of the request's input tokens and cost.
 * The analysis is debounced and computed off the UI thread; its answer is applied on the UI thread
 * unless a newer analysis has been asked for since.
 */
final class PromptEditorViewModel {
    static final long DEBOUNCE_MS = 150;

    private final PriceService prices;
    private final ScheduledExecutorService background;
    private final Executor ui;
    private final Supplier<ProviderProfile> profile;
    /** The request the prompts would make with these variable values, or null when it is not complete. */
    private Function<Map<String, String>, ChatRequest> requestFor = values -> null;

    private final StringProperty systemPrompt = new SimpleStringProperty(this, "systemPrompt", "");
    private final StringProperty userPrompt = new SimpleStringProperty(this, "userPrompt", "");
    private final ObservableList<PlaygroundViewModel.Variable> variables = FXCollections.observableArrayList();
    private final ObservableList<PlaygroundViewModel.Variable> variablesView =
            FXCollections.unmodifiableObservableList(variables);
    private final ReadOnlyObjectWrapper<List<PromptTemplates.Span>> systemSpans =
            new ReadOnlyObjectWrapper<>(this, "systemSpans", List.of());
    private final ReadOnlyObjectWrapper<List<PromptTemplates.Span>> userSpans =
            new ReadOnlyObjectWrapper<>(this, "userSpans", List.of());
    private final ReadOnlyStringWrapper estimate = new ReadOnlyStringWrapper(this, "estimate", "");

    private final AtomicLong generation = new AtomicLong();

    PromptEditorViewModel(PriceService prices, ScheduledExecutorService background, Executor ui,
                          Supplier<ProviderProfile> profile) {
        this.prices = Objects.requireNonNull(prices, "prices");
        this.background = Objects.requireNonNull(background, "background");
        this.ui = Objects.requireNonNull(ui, "ui");
        this.profile = Objects.requireNonNull(profile, "profile");
        systemPrompt.addListener((o, a, b) -> scheduleAnalysis());
        userPrompt.addListener((o, a, b) -> scheduleAnalysis());
    }

    /** Where the estimate gets its request from (the run model builds it); null when it is not complete. */
    void estimateRequestsWith(Function<Map<String, String>, ChatRequest> requestFor) {
        this.requestFor = Objects.requireNonNull(requestFor, "requestFor");
    }

    /** Debounced: the variables, highlighting and estimate are computed off the UI thread. */
    void scheduleAnalysis() {
        long gen = generation.incrementAndGet();
        String sys = systemPrompt.get();
        String usr = userPrompt.get();
        ChatRequest request = requestFor.apply(variableValues());
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
        String s = e.describeTokens() + " in";
        if (e.priced()) {
            s += " · ≈ " + e.inputUsd().format() + " / " + e.inputCny().format();
        } else {
            s += " · no price";
        }
        return s;
    }

    private void applyVariables(List<String> names) {
        Map<String, PlaygroundViewModel.Variable> old = new LinkedHashMap<>();
        for (PlaygroundViewModel.Variable v : variables) {
            old.put(v.name(), v);
        }
        List<PlaygroundViewModel.Variable> next = new ArrayList<>();
        for (String n : names) {
            PlaygroundViewModel.Variable v = old.get(n);
            if (v == null) {
                v = new PlaygroundViewModel.Variable(n);
                v.valueProperty().addListener((o, a, b) -> scheduleAnalysis());
            }
            next.add(v);
        }
        if (!next.equals(new ArrayList<>(variables))) {
            variables.setAll(next);
        }
    }

    /** The variables' values by name, in the order they appear. */
    Map<String, String> variableValues() {
        Map<String, String> m = new LinkedHashMap<>();
        for (PlaygroundViewModel.Variable v : variables) {
            m.put(v.name(), v.valueProperty().get());
        }
        return m;
    }

    /** The system prompt with these values filled in. */
    String system(Map<String, String> values) {
        return PromptTemplates.fill(systemPrompt.get(), values);
    }

    /** The user prompt with these values filled in. */
    String user(Map<String, String> values) {
        return PromptTemplates.fill(userPrompt.get(), values);
    }

    /** Opens saved prompts: their texts, their variables (at once, not debounced) and the values given. */
    void open(String system, String user, Map<String, String> values) {
        systemPrompt.set(system);
        userPrompt.set(user);
        applyVariables(PromptTemplates.variables(system, user));
        for (PlaygroundViewModel.Variable v : variables) {
            v.valueProperty().set(values.getOrDefault(v.name(), ""));
        }
    }

    StringProperty systemPromptProperty() { return systemPrompt; }
    StringProperty userPromptProperty() { return userPrompt; }
    /** The variables, read-only as a list; each value is the user's to edit. */
    ObservableList<PlaygroundViewModel.Variable> variables() { return variablesView; }
    ReadOnlyObjectProperty<List<PromptTemplates.Span>> systemSpansProperty() { return systemSpans.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<List<PromptTemplates.Span>> userSpansProperty() { return userSpans.getReadOnlyProperty(); }
    ReadOnlyStringProperty estimateProperty() { return estimate.getReadOnlyProperty(); }
}
