package dev.llmworkbench.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chat}: one prompt to a server (the embedded simulator by default), streamed to the terminal. */
@Command(name = "chat", mixinStandardHelpOptions = true, resourceBundle = "dev.llmworkbench.cli.OptionTexts$Chat",
        description = "Send one prompt and stream the answer (reasoning goes to stderr).")
public class ChatCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = "qwen3-235b-a22b";
    static final String DEFAULT_KEY_ENV = "WORKBENCH_API_KEY";

    /**
     * The model a request goes to: the one given with {@code --model}, else the profile's default model (a
     * server such as vLLM serves only its own), else {@value #DEFAULT_MODEL}.
     */
    static String modelFor(String given, ProviderProfile profile) {
        if (given != null) {
            return given;
        }
        String own = profile.defaultModel();
        return own != null && !own.isBlank() ? own : DEFAULT_MODEL;
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ProviderOptions provider;

    @Mixin
    DbOption dbOption;

    @Option(names = "--model", paramLabel = "M",
            description = "model (default: the profile's default model, else " + DEFAULT_MODEL + ")")
    String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "system prompt")
    String system;

    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature, 0 to 2")
    Double temperature;

    @Option(names = "--max-tokens", paramLabel = "N", description = "maximum output tokens")
    Integer maxTokens;

    @ArgGroup(exclusive = true)
    Thinking thinking;

    static class Thinking {
        @Option(names = "--thinking", description = "turn thinking on, in the provider's dialect (see --dialect)")
        boolean on;
        @Option(names = "--no-thinking", description = "turn thinking off, in the provider's dialect (see --dialect)")
        boolean off;
    }

    @Option(names = "--timeout-s", paramLabel = "S", defaultValue = "600", description = "bound on the whole request in seconds (default: ${DEFAULT-VALUE})")
    double timeoutS;

    @Option(names = "--idle-timeout-s", paramLabel = "S", defaultValue = "60", description = "bound on the gap between chunks in seconds (default: ${DEFAULT-VALUE})")
    double idleTimeoutS;

    @Mixin
    JsonOption jsonOption;

    @Parameters(paramLabel = "PROMPT", arity = "1", description = "the user prompt")
    String prompt;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (timeoutS <= 0 || idleTimeoutS <= 0) {
            throw new UsageException("--timeout-s and --idle-timeout-s must be positive");
        }
        if (model != null && model.isBlank()) {
            throw new UsageException("--model must not be empty");
        }
        boolean json = jsonOption.requested();
        String db = dbOption.file();
        try (CliServices services = new CliServices()) {
            CliServices.Provider target = provider.resolve(services, db);
            ProviderProfile profile = target.profile();
            ApiKey key = target.key();
            ChatRequest request;
            try {
                ChatRequest.Builder b = ChatRequest.builder(modelFor(model, profile)).temperature(temperature)
                        .maxTokens(maxTokens).stream(provider.stream()).includeUsage(true);
                if (system != null) {
                    b.system(system);
                }
                b.user(prompt);
                if (thinking != null) {
                    b.enableThinking(thinking.on);
                }
                request = b.build();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            java.time.Instant startedAt = java.time.Instant.now();
            Duration total = Duration.ofMillis(Math.round(timeoutS * 1000));
            Timeouts timeouts = new Timeouts(Duration.ofSeconds(10).compareTo(total) < 0 ? Duration.ofSeconds(10) : total,
                    total, Duration.ofMillis(Math.round(idleTimeoutS * 1000)), total);
            ChatJob job = ChatJob.of(profile, key, request).withTimeouts(timeouts);
            ChatObserver observer = json ? ChatObserver.NONE : new TerminalPrinter(out, err);
            ChatRun run = services.chat().start(job, observer);
            Thread hook = shutdownHook(run);
            ChatOutcome outcome;
            try {
                outcome = run.await();
            } finally {
                removeHook(hook);
            }
            try {
                services.history(db).recordChat(job, outcome, startedAt, dev.llmworkbench.domain.RunKind.SINGLE,
                        services.requestJson(profile, request), null);
            } catch (RuntimeException e) {
                err.println("warning: the chat was not recorded in the history: " + e.getMessage());
            }
            if (json) {
                out.println(Json.print(toJson(outcome)));
                out.flush();
            } else {
                ((TerminalPrinter) observer).finish();
                if (!outcome.ok()) {
                    err.println("error: " + outcome.completion().error().describe());
                }
            }
            return outcome.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private static Thread shutdownHook(ChatRun run) {
        Thread hook = dev.llmworkbench.service.DaemonThreads.factory("chat-interrupt").newThread(run::cancel);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
    }

    /** The JSON contract of {@code chat --json}. */
    static JsonObject toJson(ChatOutcome o) {
        Completion c = o.completion();
        JsonObject j = new JsonObject();
        j.addProperty("text", c.text());
        j.addProperty("reasoning", c.reasoning());
        JsonArray calls = new JsonArray();
        for (ToolCall t : c.toolCalls()) {
            JsonObject call = new JsonObject();
            call.add("id", Json.str(t.id()));
            call.addProperty("type", t.type());
            call.addProperty("name", t.name());
            call.addProperty("arguments", t.arguments());
            calls.add(call);
        }
        j.add("tool_calls", calls);
        j.add("finish_reason", Json.str(c.finishReason()));
        j.add("usage", usageJson(c.usage()));
        j.add("ttft_ms", Json.ms(c.timing().ttftMs()));
        j.add("ttfo_ms", Json.ms(c.timing().ttfoMs()));
        j.add("tpot_ms", Json.ms(c.timing().tpotMs()));
        j.add("e2e_ms", Json.ms(c.timing().e2eMs()));
        j.add("cost_usd", o.costUsd() == null ? null : Json.money(o.costUsd().amount()));
        j.addProperty("attempts", Math.max(o.attempts().size(), 0));
        j.add("queue_ms", Json.ms(o.queueMs()));
        j.add("total_ms", Json.ms(o.totalMs()));
        ApiError e = c.error();
        if (e == null) {
            j.add("error", null);
        } else {
            JsonObject err = new JsonObject();
            err.addProperty("kind", e.kind().wireName());
            err.add("status", Json.num(e.status()));
            err.addProperty("message", e.hint() == null ? e.message() : e.message() + " (" + e.hint() + ")");
            j.add("error", err);
        }
        return j;
    }

    static JsonObject usageJson(Usage u) {
        JsonObject j = new JsonObject();
        j.add("prompt_tokens", Json.num(u == null ? null : u.promptTokens()));
        j.add("completion_tokens", Json.num(u == null ? null : u.completionTokens()));
        j.add("total_tokens", Json.num(u == null ? null : u.totalTokens()));
        j.add("reasoning_tokens", Json.num(u == null ? null : u.reasoningTokens()));
        j.add("cached_tokens", Json.num(u == null ? null : u.cachedTokens()));
        j.addProperty("estimated", u != null && u.estimated());
        j.addProperty("reasoning_tokens_estimated", u != null && u.reasoningEstimated());
        return j;
    }

    /** Streams the answer to stdout and the reasoning, marked, to stderr. */
    static final class TerminalPrinter implements ChatObserver {
        private final PrintWriter out;
        private final PrintWriter err;
        private boolean inReasoning;
        private boolean wroteAnswer;
        private int attempt;

        TerminalPrinter(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public synchronized void onAttemptStarted(int number) {
            if (number > 1 && (wroteAnswer || inReasoning)) {
                endReasoning();
                out.println();
                out.flush();
                err.println("[retry: attempt " + number + "]");
                err.flush();
                wroteAnswer = false;
            }
            attempt = number;
        }

        @Override
        public synchronized void onRetryScheduled(Attempt failed, Duration wait, java.time.Instant at) {
            err.println("[attempt " + failed.number() + " failed (" + failed.errorMessage() + "); retrying in "
                    + wait.toMillis() + " ms]");
            err.flush();
        }

        @Override
        public synchronized void onReasoning(String delta) {
            if (!inReasoning) {
                err.print("[reasoning] ");
                inReasoning = true;
            }
            err.print(delta);
            err.flush();
        }

        @Override
        public synchronized void onContent(String delta) {
            endReasoning();
            out.print(delta);
            out.flush();
            wroteAnswer = true;
        }

        private void endReasoning() {
            if (inReasoning) {
                err.println();
                err.println("[/reasoning]");
                err.flush();
                inReasoning = false;
            }
        }

        synchronized void finish() {
            endReasoning();
            if (wroteAnswer) {
                out.println();
            }
            out.flush();
        }

        int attempt() {
            return attempt;
        }
    }
}
