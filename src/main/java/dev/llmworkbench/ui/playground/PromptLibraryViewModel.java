package dev.llmworkbench.ui.playground;

import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import dev.llmworkbench.ui.common.Tasks;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The prompt library: saves the prompts with their variables and parameters as numbered versions,
 * lists the names and a name's versions, reopens a version and shows the diff between two. The
 * store is read and written off the UI thread; the lists change on it.
 */
final class PromptLibraryViewModel {
    private final PromptLibraryService library;
    private final PromptEditorViewModel editor;
    private final ParametersViewModel parameters;
    private final StringProperty notice;
    private final Tasks tasks;

    private final ObservableList<String> promptNames = FXCollections.observableArrayList();
    private final ObservableList<SavedPrompt> versions = FXCollections.observableArrayList();
    private final ObservableList<String> promptNamesView = FXCollections.unmodifiableObservableList(promptNames);
    private final ObservableList<SavedPrompt> versionsView = FXCollections.unmodifiableObservableList(versions);
    /** The saved prompt whose versions are shown (or being read). UI thread. */
    private String versionsOf;

    PromptLibraryViewModel(PromptLibraryService library, PromptEditorViewModel editor, ParametersViewModel parameters,
                           StringProperty notice, Tasks tasks) {
        this.library = Objects.requireNonNull(library, "library");
        this.editor = Objects.requireNonNull(editor, "editor");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.notice = Objects.requireNonNull(notice, "notice");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
    }

    /** Reads the library's prompt names off the UI thread; a failure is said in the notice. */
    CompletableFuture<Void> reload() {
        return tasks.call("reading the prompt library", library::names, promptNames::setAll,
                error -> notice.set("Cannot read the saved prompts: " + error)).thenAccept(names -> { });
    }

    /**
     * Saves the current prompt as a new version of {@code name}, off the UI thread (the store); the
     * library's names and the prompt's versions follow. Fails (and says why in the notice) on a bad name.
     */
    CompletableFuture<SavedPrompt> save(String name) {
        Map<String, String> params = parameters.toMap();
        String system = editor.systemPromptProperty().get();
        String user = editor.userPromptProperty().get();
        Map<String, String> vars = editor.variableValues();
        record Saved(SavedPrompt prompt, List<String> names, List<SavedPrompt> versions) { }
        return tasks.call("saving the prompt " + name, () -> {
            SavedPrompt saved = library.save(name, system, user, vars, params);
            return new Saved(saved, library.names(), library.versions(saved.name()));
        }, s -> {
            promptNames.setAll(s.names());
            versionsOf = s.prompt().name();
            versions.setAll(s.versions());
            notice.set("Saved " + s.prompt().label() + ".");
        }, notice::set).thenApply(Saved::prompt);
    }

    /** Reads the versions of a saved prompt off the UI thread. */
    CompletableFuture<Void> loadVersions(String name) {
        versionsOf = name; // the answer of an earlier, slower read for another name is dropped
        if (name == null) {
            versions.clear();
            return CompletableFuture.completedFuture(null);
        }
        return tasks.call("reading the versions of " + name, () -> library.versions(name), v -> {
            if (Objects.equals(versionsOf, name)) {
                versions.setAll(v);
            }
        }, error -> notice.set("Cannot read the versions of " + name + ": " + error)).thenAccept(v -> { });
    }

    /** Reopens a saved version: prompts, variables and parameters. */
    void open(SavedPrompt p) {
        editor.systemPromptProperty().set(p.system());
        editor.userPromptProperty().set(p.user());
        parameters.apply(p.parameters());
        editor.open(p.system(), p.user(), p.variables());
        notice.set("Opened " + p.label() + ".");
    }

    /** The line diff between two versions, one line each, prefixed "+ ", "- " or "  ". */
    String diff(SavedPrompt older, SavedPrompt newer) {
        StringBuilder sb = new StringBuilder();
        for (PromptLibraryService.DiffLine l : PromptLibraryService.diff(older, newer)) {
            sb.append(l.kind()).append(' ').append(l.text()).append('\n');
        }
        return sb.toString();
    }

    /** The saved prompts' names, read-only. */
    ObservableList<String> promptNames() { return promptNamesView; }
    /** The versions of the prompt chosen (or last saved), oldest first, read-only. */
    ObservableList<SavedPrompt> versions() { return versionsView; }
}
