package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.service.providers.ProviderPreset;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.ThinkingSwitch;
import dev.llmworkbench.ui.common.Tasks;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The playground's parameters: the provider and its models, sampling, thinking, streaming, priority,
 * response format and tools. Turns them into the parameters of a request, and to and from the string
 * map the prompt library keeps. UI thread; the server's model list is read off it.
 */
final class ParametersViewModel {
    private final PlaygroundService service;
    private final PriceService prices;
    private final Tasks tasks;

    private final ObservableList<ProviderProfile> profiles = FXCollections.observableArrayList();
    private final ObjectProperty<ProviderProfile> profile = new SimpleObjectProperty<>(this, "profile");
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final StringProperty model = new SimpleStringProperty(this, "model", "");
    private final StringProperty temperature = new SimpleStringProperty(this, "temperature", "");
    private final StringProperty topP = new SimpleStringProperty(this, "topP", "");
    private final StringProperty maxTokens = new SimpleStringProperty(this, "maxTokens", "");
    private final BooleanProperty thinking = new SimpleBooleanProperty(this, "thinking", false);
    private final StringProperty thinkingBudget = new SimpleStringProperty(this, "thinkingBudget", "");
    /** The switch follows the model: not offered for a model that never thinks or always does (set to what it does). */
    private final ThinkingSwitch thinkingSwitch;
    private final StringProperty seed = new SimpleStringProperty(this, "seed", "");
    private final BooleanProperty stream = new SimpleBooleanProperty(this, "stream", true);
    private final ObjectProperty<Priority> priority = new SimpleObjectProperty<>(this, "priority", Priority.NORMAL);
    private final ObjectProperty<ResponseFormat.Type> responseFormat =
            new SimpleObjectProperty<>(this, "responseFormat", ResponseFormat.Type.TEXT);
    private final StringProperty schemaJson = new SimpleStringProperty(this, "schemaJson", "");
    private final StringProperty toolsJson = new SimpleStringProperty(this, "toolsJson", "");

    ParametersViewModel(PlaygroundService service, PriceService prices, Tasks tasks) {
        this.service = Objects.requireNonNull(service, "service");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        reloadProfiles();
        profile.addListener((o, was, now) -> {
            if (now != null) {
                refreshModels(now);
            }
        });
        refreshModels(profile.get());
        thinkingSwitch = new ThinkingSwitch(profile, model, mode -> thinking.set(mode.thinks(null)));
        thinkingSwitch.follow(prices::thinkingMode);
    }

    // ------------------------------------------------------------------ providers and models

    /** Reloads the profiles (after Settings changed them), keeping the selection when it still exists. */
    void reloadProfiles() {
        ProviderProfile was = profile.get();
        ProviderService ps = service.providers();
        profiles.setAll(ps.profiles());
        ProviderProfile keep = was == null ? null
                : profiles.stream().filter(p -> p.name().equals(was.name())).findFirst().orElse(null);
        profile.set(keep != null ? keep : ps.defaultProfile());
    }

    /** Selects the profile of that name, if there is one. */
    void selectProfile(String name) {
        profiles.stream().filter(x -> x.name().equals(name)).findFirst().ifPresent(profile::set);
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
        // (a server that cannot be reached leaves the catalogue's models: a failure is logged, not shown, since
        // the Run that follows says what is wrong with the provider in its own words)
        tasks.run("listing the models of " + p.name(), () -> service.providers().testConnection(p, null), r -> {
            if (r.ok() && !r.models().isEmpty() && p.equals(profile.get())) {
                LinkedHashSet<String> merged = new LinkedHashSet<>(r.models());
                merged.addAll(prices.models());
                String keep = model.get();
                models.setAll(merged);
                model.set(keep);
            }
            return null;
        }, error -> null);
    }

    // ------------------------------------------------------------------ into a request

    /** A request builder for the chosen model; fails with a message for the user when there is none. */
    ChatRequest.Builder newRequest() {
        String m = model.get() == null ? "" : model.get().trim();
        if (m.isEmpty()) {
            throw new IllegalArgumentException("choose a model");
        }
        return ChatRequest.builder(m);
    }

    /** Puts the parameters into {@code b}; fails with a message for the user on a value that does not parse. */
    void applyTo(ChatRequest.Builder b) {
        b.temperature(NumberFields.decimal(temperature.get(), "temperature"));
        b.topP(NumberFields.decimal(topP.get(), "top_p"));
        b.maxTokens(NumberFields.integer(maxTokens.get(), "max_tokens"));
        b.seed(NumberFields.whole(seed.get(), "seed"));
        boolean think = thinking.get();
        ProviderProfile p = profile.get();
        boolean streamOn = stream.get();
        if (think && p != null && ProviderPreset.isDashScope(p.baseUrl())) {
            streamOn = true; // DashScope answers thinking only when streamed
        }
        b.stream(streamOn);
        b.enableThinking(think);
        if (think) {
            b.thinkingBudget(NumberFields.integer(thinkingBudget.get(), "thinking budget"));
        }
        switch (responseFormat.get()) {
            case JSON_OBJECT -> b.responseFormat(ResponseFormat.jsonObject());
            case JSON_SCHEMA -> b.responseFormat(ResponseFormat.jsonSchema("response", schemaJson.get(), true));
            default -> { }
        }
        b.tools(RequestValues.parseTools(toolsJson.get()));
    }

    // ------------------------------------------------------------------ the library's form of them

    /** The parameters as the prompt library keeps them. */
    Map<String, String> toMap() {
        return new dev.llmworkbench.service.playground.PlaygroundParameters(model.get(), temperature.get(), topP.get(),
                maxTokens.get(), thinking.get(), thinkingBudget.get(), seed.get(), stream.get(), responseFormat.get(),
                schemaJson.get(), toolsJson.get()).toMap();
    }

    /** Sets the parameters from the library's map; what it lacks goes back to its default (the model stays). */
    void apply(Map<String, String> params) {
        var p = dev.llmworkbench.service.playground.PlaygroundParameters.fromMap(params);
        model.set(p.model() != null ? p.model() : model.get());
        temperature.set(p.temperature());
        topP.set(p.topP());
        maxTokens.set(p.maxTokens());
        thinking.set(p.thinking());
        thinkingBudget.set(p.thinkingBudget());
        seed.set(p.seed());
        stream.set(p.stream());
        responseFormat.set(p.responseFormat());
        schemaJson.set(p.schema());
        toolsJson.set(p.tools());
        thinkingSwitch.update(); // a saved "thinking on" does not unlock a model that never thinks
    }

    // ------------------------------------------------------------------ properties

    ObservableList<ProviderProfile> profiles() { return profiles; }
    ObjectProperty<ProviderProfile> profileProperty() { return profile; }
    ObservableList<String> models() { return models; }
    StringProperty modelProperty() { return model; }
    StringProperty temperatureProperty() { return temperature; }
    StringProperty topPProperty() { return topP; }
    StringProperty maxTokensProperty() { return maxTokens; }
    BooleanProperty thinkingProperty() { return thinking; }
    javafx.beans.property.ReadOnlyObjectProperty<dev.llmworkbench.domain.ThinkingMode> thinkingModeProperty() {
        return thinkingSwitch.modeProperty();
    }
    javafx.beans.property.ReadOnlyBooleanProperty thinkingOfferedProperty() { return thinkingSwitch.offeredProperty(); }
    javafx.beans.property.ReadOnlyStringProperty thinkingLabelProperty() { return thinkingSwitch.labelProperty(); }
    StringProperty thinkingBudgetProperty() { return thinkingBudget; }
    StringProperty seedProperty() { return seed; }
    BooleanProperty streamProperty() { return stream; }
    ObjectProperty<Priority> priorityProperty() { return priority; }
    ObjectProperty<ResponseFormat.Type> responseFormatProperty() { return responseFormat; }
    StringProperty schemaJsonProperty() { return schemaJson; }
    StringProperty toolsJsonProperty() { return toolsJson; }
}
