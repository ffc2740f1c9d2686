package dev.llmworkbench.service.history;

import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.service.playground.PlaygroundDraft;

/**
 * Where the desktop records the runs it makes (the history store at merge time). Called on the
 * service's threads once a run has its outcome; implementations must not throw.
 */
@FunctionalInterface
public interface RunRecorder {
    /** Records nothing. */
    RunRecorder NONE = (job, outcome, kind, requestJson, draft) -> { };

    /**
     * @param kind        {@link RunKind#SINGLE} for a playground run, {@link RunKind#COMPARE} for one lane of a comparison
     * @param requestJson the exact body sent (never a key), or null
     * @param draft       what the Playground held when it sent the run (templates, values, parameters,
     *                    conversation), or null
     */
    void recordChat(ChatJob job, ChatOutcome outcome, RunKind kind, String requestJson, PlaygroundDraft draft);
}
