package dev.llmworkbench.ui.playground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.ui.common.UiThread;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import javafx.beans.Observable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view model without a toolkit, on one real UI thread ({@link UiThread}): the test calls it and reads it
 * there, as the view does; its work runs on a worker; the services are real.
 */
class PlaygroundViewModelTest {
    @TempDir
    java.nio.file.Path dir;
    private TestServices services;
    private ScheduledExecutorService background;
    private UiThread ui;
    private PlaygroundViewModel vm;

    @BeforeEach
    void setUp() throws Exception {
        services = new TestServices(dir);
        background = Executors.newSingleThreadScheduledExecutor();
        ui = new UiThread();
        vm = ui.call(() -> new PlaygroundViewModel(services.playground, services.prices, services.prompts, background,
                ui.executor()));
    }

    @AfterEach
    void tearDown() {
        ui.close();
        background.shutdownNow();
        services.close();
    }

    /** Waits until {@code condition} holds, checked on the UI thread each time {@code source} changes there. */
    private void await(Observable source, BooleanSupplier condition) throws Exception {
        ui.await(source, condition);
    }

    @Test
    void variablesAreFoundAndFilledIntoTheRequest() throws Exception {
        ui.run(() -> {
            vm.systemPromptProperty().set("You answer in {{language}}.");
            vm.userPromptProperty().set("Tell me about {{topic}}.");
        });
        await(vm.variables(), () -> vm.variables().size() == 2);
        ui.run(() -> {
            assertThat(vm.variables()).extracting(PlaygroundViewModel.Variable::name)
                    .containsExactly("language", "topic");
            vm.variables().get(0).valueProperty().set("French");
            vm.variables().get(1).valueProperty().set("cheese");
            ChatRequest r = vm.buildRequest();
            assertThat(r.messages().get(0).content()).isEqualTo("You answer in French.");
            assertThat(r.messages().get(1).content()).isEqualTo("Tell me about cheese.");
        });
        await(vm.estimateProperty(), () -> vm.estimateProperty().get().startsWith("≈"));
    }

    @Test
    void theThinkingSwitchIsOfferedOnlyForAModelThatHasOne() throws Exception {
        // the catalogue: qwen-max never thinks; qwen3-235b-a22b thinks by default with a switch
        ui.run(() -> {
            vm.modelProperty().set("qwen3-235b-a22b");
            vm.thinkingProperty().set(true);
            assertThat(vm.thinkingOfferedProperty().get()).isTrue();
            assertThat(vm.thinkingModeProperty().get()).isEqualTo(dev.llmworkbench.domain.ThinkingMode.DEFAULT_ON);
            vm.modelProperty().set("qwen-max");
            assertThat(vm.thinkingModeProperty().get()).isEqualTo(dev.llmworkbench.domain.ThinkingMode.NEVER);
            assertThat(vm.thinkingOfferedProperty().get()).as("no switch for a model that never thinks").isFalse();
            assertThat(vm.thinkingProperty().get()).as("shown as what it does").isFalse();
            vm.modelProperty().set("some-model-the-catalogue-does-not-know");
            assertThat(vm.thinkingModeProperty().get()).isNull();
            assertThat(vm.thinkingOfferedProperty().get()).isTrue();
            // a reopened run saved with thinking on does not turn it on for a model that never thinks
            vm.modelProperty().set("qwen-max");
            vm.reopen(new dev.llmworkbench.service.playground.ReopenRequest(1, null, null, null, "hi", null, null, null,
                    null, new dev.llmworkbench.service.playground.PlaygroundDraft("", "hi", java.util.Map.of(),
                            java.util.Map.of("model", "qwen-max", "thinking", "true"), java.util.List.of())));
            assertThat(vm.thinkingOfferedProperty().get()).isFalse();
            assertThat(vm.thinkingProperty().get()).as("the model never thinks, whatever was saved").isFalse();
        });
    }

    @Test
    void aRunStreamsIntoTheSinkAndTheConversationContinues() throws Exception {
        StringBuilder streamed = new StringBuilder();
        ui.run(() -> {
            vm.setStreamSink(new PlaygroundViewModel.StreamSink() {
                @Override
                public synchronized void content(String delta) {
                    streamed.append(delta);
                }
            });
            vm.userPromptProperty().set("First question");
            vm.run();
        });
        await(vm.stateProperty(), () -> vm.stateProperty().get() == PlaygroundViewModel.State.DONE);
        ui.run(() -> {
            assertThat(vm.answerProperty().get()).isNotBlank().isEqualTo(streamed.toString());
            assertThat(vm.conversation()).extracting(m -> m.role()).containsExactly(Role.USER, Role.ASSISTANT);
            assertThat(vm.userPromptProperty().get()).isEqualTo("First question"); // kept after the run
            assertThat(vm.costUsdProperty().get()).startsWith("$");

            vm.userPromptProperty().set("Second question");
            ChatRequest next = vm.buildRequest();
            assertThat(next.messages()).hasSize(3);
            vm.editTurn(0, "First question, edited");
            vm.removeTurn(1);
            assertThat(vm.buildRequest().messages()).extracting(m -> m.content())
                    .containsExactly("First question, edited", "Second question");
            vm.newConversation();
            assertThat(vm.conversation()).isEmpty();
        });
    }

    @Test
    void thinkingIsSentAndJsonAnswersAreMarked() throws Exception {
        ui.run(() -> {
            vm.thinkingProperty().set(true);
            vm.responseFormatProperty().set(dev.llmworkbench.domain.ResponseFormat.Type.JSON_OBJECT);
            vm.userPromptProperty().set("Give me JSON");
            vm.run();
        });
        await(vm.stateProperty(), () -> vm.stateProperty().get() == PlaygroundViewModel.State.DONE);
        ui.run(() -> {
            assertThat(vm.reasoningProperty().get()).isNotBlank();
            assertThat(vm.jsonValidProperty().get()).isTrue();
            assertThat(vm.jsonMarkProperty().get()).startsWith("✓");
            assertThat(vm.requestJsonProperty().get()).contains("enable_thinking");
        });
    }

    @Test
    void thinkingWithoutStreamingIsExplainedWithTheWayOut() throws Exception {
        ui.run(() -> {
            vm.thinkingProperty().set(true);
            vm.streamProperty().set(false);
            vm.userPromptProperty().set("Think");
            vm.run();
        });
        await(vm.stateProperty(), () -> vm.stateProperty().get() == PlaygroundViewModel.State.FAILED);
        ui.run(() -> {
            assertThat(vm.errorActionProperty().get()).isEqualTo(ErrorAdvice.Action.TURN_STREAMING_ON);
            vm.turnStreamingOn();
            assertThat(vm.streamProperty().get()).isTrue();
            assertThat(vm.errorTitleProperty().get()).isEmpty();
        });
    }

    @Test
    void savedPromptsReopenAndDiff() throws Exception {
        ui.run(() -> {
            vm.userPromptProperty().set("v1 text");
            vm.temperatureProperty().set("0.3");
        });
        var v1 = ui.await(() -> vm.savePrompt("p"));
        ui.run(() -> vm.userPromptProperty().set("v2 text"));
        var v2 = ui.await(() -> vm.savePrompt("p"));
        ui.run(() -> {
            assertThat(vm.versions()).hasSize(2);
            assertThat(vm.promptNames()).containsExactly("p");
            assertThat(vm.noticeProperty().get()).contains("Saved");
        });
        ui.await(() -> vm.loadVersions(null));
        assertThat(ui.call(() -> vm.versions().size())).isZero();
        ui.await(() -> vm.loadVersions("p"));
        assertThat(ui.call(() -> vm.versions().size())).isEqualTo(2);
        assertThatThrownBy(() -> ui.await(() -> vm.savePrompt(" ")))
                .isInstanceOf(java.util.concurrent.ExecutionException.class);
        ui.run(() -> {
            assertThat(vm.noticeProperty().get()).isNotBlank().doesNotContain("Saved");
            assertThat(vm.diff(v1, v2)).contains("- v1 text", "+ v2 text");
            vm.temperatureProperty().set("");
            vm.open(v1);
            assertThat(vm.userPromptProperty().get()).isEqualTo("v1 text");
            assertThat(vm.temperatureProperty().get()).isEqualTo("0.3");
            // the simulator: the command line's key variable, and a simulator the reader starts, not this app's port
            assertThat(vm.codeCurl()).contains("$WORKBENCH_API_KEY").contains("v1 text")
                    .contains("llm-workbench sim --port 8089").contains("${WORKBENCH_SIM_PORT:-8089}")
                    .doesNotContain("LLM_WORKBENCH_API_KEY").doesNotMatch("(?s).*127\\.0\\.0\\.1:\\d+.*");
            assertThat(vm.noticeProperty().get()).isEqualTo("Opened p v1.");
            vm.open(v2);
            assertThat(vm.userPromptProperty().get()).isEqualTo("v2 text");
            assertThat(vm.noticeProperty().get()).isEqualTo("Opened p v2.");
        });
    }

    @Test
    void aRunThatCannotStartFailsInPlaceAndANewConversationIsIdleAgain() throws Exception {
        ui.run(() -> {
            vm.run();
            assertThat(vm.stateProperty().get()).isEqualTo(PlaygroundViewModel.State.FAILED);
            assertThat(vm.isRunning()).isFalse();
            assertThat(vm.errorTitleProperty().get()).isEqualTo("Cannot run yet");
            vm.userPromptProperty().set("Hello");
            vm.temperatureProperty().set("warm");
            vm.run();
            assertThat(vm.stateProperty().get()).isEqualTo(PlaygroundViewModel.State.FAILED);
            assertThat(vm.errorTextProperty().get()).isEqualTo("temperature must be a number, was 'warm'");
            vm.newConversation();
            assertThat(vm.stateProperty().get()).isEqualTo(PlaygroundViewModel.State.IDLE);
            assertThat(vm.errorTitleProperty().get()).isEmpty();
            assertThat(vm.userPromptProperty().get()).isEqualTo("Hello");
        });
    }

    @Test
    void anUnfilledVariableRefusesTheRunUntilFilledOrSentAnyway() throws Exception {
        ui.run(() -> vm.userPromptProperty().set("Tell me about {{topic}} for {{audience}}."));
        await(vm.variables(), () -> vm.variables().size() == 2);
        ui.run(() -> {
            vm.variables().get(0).valueProperty().set("tides");
            vm.run();
            assertThat(vm.stateProperty().get()).isEqualTo(PlaygroundViewModel.State.FAILED);
            assertThat(vm.errorTextProperty().get()).isEqualTo(
                    "Fill in {{audience}} first, or choose Send anyway to send it as empty text.");
            assertThat(vm.unfilledProperty().get()).isEqualTo("{{audience}}");
            assertThat(vm.conversation()).isEmpty(); // nothing was sent
            vm.runAnyway();
        });
        await(vm.stateProperty(), () -> vm.stateProperty().get() == PlaygroundViewModel.State.DONE);
        ui.run(() -> {
            assertThat(vm.conversation().get(0).content()).isEqualTo("Tell me about tides for .");
            assertThat(vm.unfilledProperty().get()).isEmpty();
            // the prompt and the values stay for the next run
            assertThat(vm.userPromptProperty().get()).isEqualTo("Tell me about {{topic}} for {{audience}}.");
            assertThat(vm.variables().get(0).valueProperty().get()).isEqualTo("tides");
        });
    }

    @Test
    void aLibraryThatCannotBeReadAtTheStartIsSaidInTheNotice() throws Exception {
        dev.llmworkbench.store.Database closed = dev.llmworkbench.store.Database.open(dir.resolve("closed.db"));
        closed.close();
        PlaygroundViewModel other = ui.call(() -> new PlaygroundViewModel(services.playground, services.prices,
                new dev.llmworkbench.service.playground.PromptLibraryService(
                        new dev.llmworkbench.store.PromptStore(closed)), background, ui.executor()));
        await(other.noticeProperty(), () -> other.noticeProperty().get().startsWith("Cannot read the saved prompts: "));
        assertThat(ui.call(() -> other.noticeProperty().get())).doesNotContain("Exception").doesNotContain("\n");
    }

    @Test
    void theLibraryChangesOnTheUiThreadOnly() throws Exception {
        // with the old same-thread executor the lists changed on the worker that read the store
        java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        ui.run(() -> vm.promptNames().addListener((javafx.collections.ListChangeListener<String>) c ->
                threads.add(Thread.currentThread().getName())));
        ui.run(() -> vm.userPromptProperty().set("hello"));
        ui.await(() -> vm.savePrompt("q"));
        assertThat(ui.call(() -> java.util.List.copyOf(vm.promptNames()))).containsExactly("q");
        assertThat(threads).isNotEmpty().containsOnly("test-ui-thread");
        assertThat(ui.executor().isUiThread()).isFalse();
        assertThat(ui.call(() -> ui.executor().isUiThread())).isTrue();
    }
}
