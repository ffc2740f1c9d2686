package dev.llmworkbench.ui.eval;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.EvalPlan;
import dev.llmworkbench.service.eval.EvalService;
import dev.llmworkbench.service.eval.GridDraft;
import dev.llmworkbench.service.eval.PromptDiff;
import dev.llmworkbench.service.eval.PromptfooImport;
import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.Tasks;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Building a grid in the desktop: the tests file (CSV or JSONL of variables and expectations), the prompt versions
 * of the library (with the word diff of two of them), the models (a provider profile, a model, its parameters) and
 * an optional judge. {@link #create()} stores the grid and hands it on. FX thread; the store and the files are
 * read on the work executor.
 */
public final class GridBuilderViewModel {
    private final Supplier<EvalService> evals;
    private final PromptLibraryService library;
    private final ProviderService providers;
    private final Tasks tasks;
    private final FxExecutor fx;
    private final Consumer<EvalGrid> onCreated;
    private final StringProperty notice;

    private final ObjectProperty<Path> testsFile = new SimpleObjectProperty<>(this, "testsFile");
    private final ObjectProperty<PromptfooImport.Tests> tests = new SimpleObjectProperty<>(this, "tests");
    private final StringProperty testsSummary = new SimpleStringProperty(this, "testsSummary", "No tests file.");
    private final ObservableList<String> promptNames = FXCollections.observableArrayList();
    private final StringProperty promptName = new SimpleStringProperty(this, "promptName");
    private final ObservableList<SavedPrompt> versions = FXCollections.observableArrayList();
    private final ObservableList<SavedPrompt> chosen = FXCollections.observableArrayList();
    private final ObjectProperty<SavedPrompt> diffLeft = new SimpleObjectProperty<>(this, "diffLeft");
    private final ObjectProperty<SavedPrompt> diffRight = new SimpleObjectProperty<>(this, "diffRight");
    private final ReadOnlyObjectWrapper<PromptDiff.SideBySide> diff = new ReadOnlyObjectWrapper<>(this, "diff");
    private final ObservableList<ProviderProfile> profiles = FXCollections.observableArrayList();
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObjectProperty<ProviderProfile> profile = new SimpleObjectProperty<>(this, "profile");
    private final StringProperty model = new SimpleStringProperty(this, "model", "");
    private final StringProperty temperature = new SimpleStringProperty(this, "temperature", "");
    private final StringProperty maxTokens = new SimpleStringProperty(this, "maxTokens", "");
    private final ObservableList<GridDraft.Target> targets = FXCollections.observableArrayList();
    private final ObjectProperty<GridDraft.Target> judge = new SimpleObjectProperty<>(this, "judge");

    GridBuilderViewModel(Supplier<EvalService> evals, PromptLibraryService library, ProviderService providers,
                         List<String> models, Tasks tasks, FxExecutor fx, StringProperty notice,
                         Consumer<EvalGrid> onCreated) {
        this.evals = Objects.requireNonNull(evals);
        this.library = Objects.requireNonNull(library);
        this.providers = Objects.requireNonNull(providers);
        this.tasks = Objects.requireNonNull(tasks);
        this.fx = Objects.requireNonNull(fx);
        this.notice = Objects.requireNonNull(notice);
        this.onCreated = Objects.requireNonNull(onCreated);
        this.models.setAll(models);
        diffLeft.addListener((o, a, b) -> updateDiff());
        diffRight.addListener((o, a, b) -> updateDiff());
        profile.addListener((o, a, b) -> {
            if (b != null && (model.get() == null || model.get().isBlank())) {
                model.set(b.defaultModel());
            }
        });
    }

    /** Reads the library's prompt names and the provider profiles (the simulator first). */
    public CompletableFuture<Void> reload() {
        record Read(List<String> names, List<ProviderProfile> profiles) { }
        return tasks.call("reading the prompt library and the providers",
                () -> new Read(library.names(), providers.profiles()), r -> {
                    promptNames.setAll(r.names());
                    ProviderProfile was = profile.get();
                    profiles.setAll(r.profiles());
                    profile.set(was != null && r.profiles().contains(was) ? was
                            : r.profiles().isEmpty() ? null : r.profiles().get(0));
                }, m -> notice.set("Cannot read the prompt library: " + m)).thenAccept(r -> { });
    }

    /** Reads a tests file: its rows and the parts not run. */
    public CompletableFuture<Void> loadTests(Path file) {
        fx.checkUiThread();
        return tasks.call("reading " + file.getFileName(), () -> PromptfooImport.readTests(file, System::getenv), t -> {
            testsFile.set(file);
            tests.set(t);
            testsSummary.set(file.getFileName() + ": " + t.cases().size() + " test cases"
                    + (t.unsupported().isEmpty() ? "" : ", " + t.unsupported().size() + " parts not run"));
        }, m -> notice.set("Cannot read " + file.getFileName() + ": " + m)).thenAccept(t -> { });
    }

    /** Reads the versions of a saved prompt. */
    public CompletableFuture<Void> loadVersions(String name) {
        promptName.set(name);
        if (name == null) {
            versions.clear();
            return CompletableFuture.completedFuture(null);
        }
        return tasks.call("reading the versions of " + name, () -> library.versions(name), v -> {
            if (Objects.equals(promptName.get(), name)) {
                versions.setAll(v);
            }
        }, m -> notice.set("Cannot read the versions of " + name + ": " + m)).thenAccept(v -> { });
    }

    /** Adds a version to the grid's prompts (once); the first two chosen are diffed. */
    public void choose(SavedPrompt p) {
        if (p == null || chosen.stream().anyMatch(c -> c.label().equals(p.label()))) {
            return;
        }
        chosen.add(p);
        if (diffLeft.get() == null) {
            diffLeft.set(p);
        } else if (diffRight.get() == null) {
            diffRight.set(p);
        }
    }

    public void unchoose(SavedPrompt p) {
        chosen.remove(p);
        if (p != null && p.equals(diffLeft.get())) {
            diffLeft.set(null);
        }
        if (p != null && p.equals(diffRight.get())) {
            diffRight.set(null);
        }
    }

    private void updateDiff() {
        SavedPrompt a = diffLeft.get();
        SavedPrompt b = diffRight.get();
        diff.set(a == null || b == null ? null : PromptDiff.diff(text(a), text(b)));
    }

    /** What a version sends, as diffed: its system prompt (if any), a blank line, its user prompt. */
    static String text(SavedPrompt p) {
        return p.system() == null || p.system().isBlank() ? p.user() : p.system() + "\n\n" + p.user();
    }

    /** The target of the form's profile, model and parameters. @throws IllegalArgumentException when one is wrong */
    GridDraft.Target formTarget() {
        if (profile.get() == null) {
            throw new IllegalArgumentException("choose a provider");
        }
        return new GridDraft.Target(profile.get(), model.get(), NumberFields.decimal(temperature.get(), "the temperature"),
                NumberFields.integer(maxTokens.get(), "max tokens"));
    }

    /** Adds the form's profile, model and parameters as a column model; a wrong field is said in the notice. */
    public boolean addTarget() {
        try {
            GridDraft.Target t = formTarget();
            if (!targets.contains(t)) {
                targets.add(t);
            }
            return true;
        } catch (IllegalArgumentException e) {
            notice.set(Tasks.message(e));
            return false;
        }
    }

    /** Makes the form's profile and model the judge of llm-similar / llm-rubric checks. */
    public boolean useAsJudge() {
        try {
            judge.set(formTarget());
            return true;
        } catch (IllegalArgumentException e) {
            notice.set(Tasks.message(e));
            return false;
        }
    }

    /** Stores the grid of the choices (nothing is sent yet) and hands it on. */
    public CompletableFuture<EvalGrid> create() {
        fx.checkUiThread();
        PromptfooImport.Tests t = tests.get();
        if (t == null) {
            notice.set("Open a tests file (CSV or JSONL) first.");
            return CompletableFuture.completedFuture(null);
        }
        List<EvalPlan.Prompt> prompts = chosen.stream().map(GridDraft::prompt).toList();
        List<GridDraft.Target> cols = List.copyOf(targets);
        GridDraft.Target j = judge.get();
        String title = "eval " + testsFile.get().getFileName() + " · " + chosen.size() + " versions × "
                + cols.size() + " models";
        return tasks.call("creating the grid", () -> {
            PromptfooImport.Imported imported = GridDraft.build(title, t, prompts, cols, j, providers::key);
            EvalService ev = evals.get();
            EvalGrid g = ev.create(imported, null);
            return g;
        }, onCreated, m -> notice.set("Cannot create the grid: " + m));
    }

    public ReadOnlyObjectProperty<Path> testsFileProperty() { return testsFile; }
    public ReadOnlyObjectProperty<PromptfooImport.Tests> testsProperty() { return tests; }
    public StringProperty testsSummaryProperty() { return testsSummary; }
    public ObservableList<String> promptNames() { return promptNames; }
    public StringProperty promptNameProperty() { return promptName; }
    public ObservableList<SavedPrompt> versions() { return versions; }
    /** The versions chosen for the grid, in column order. */
    public ObservableList<SavedPrompt> chosen() { return chosen; }
    public ObjectProperty<SavedPrompt> diffLeftProperty() { return diffLeft; }
    public ObjectProperty<SavedPrompt> diffRightProperty() { return diffRight; }
    /** The word diff of the two versions compared (null until two are). */
    public ReadOnlyObjectProperty<PromptDiff.SideBySide> diffProperty() { return diff.getReadOnlyProperty(); }
    public ObservableList<ProviderProfile> profiles() { return profiles; }
    public ObservableList<String> models() { return models; }
    public ObjectProperty<ProviderProfile> profileProperty() { return profile; }
    public StringProperty modelProperty() { return model; }
    public StringProperty temperatureProperty() { return temperature; }
    public StringProperty maxTokensProperty() { return maxTokens; }
    /** The column models, in column order. */
    public ObservableList<GridDraft.Target> targets() { return targets; }
    public ObjectProperty<GridDraft.Target> judgeProperty() { return judge; }
}
