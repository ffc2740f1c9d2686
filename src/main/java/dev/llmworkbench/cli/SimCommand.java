package dev.llmworkbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sim [--port P] [--faults SPEC] [--models A,B] [--max-body-bytes N] [--read-timeout-ms MS] [--max-handlers N]}: runs the embedded simulator in the foreground, printing its
 * base URL as the first line, until Ctrl+C / SIGTERM (or an interrupt) closes it.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Runs the OpenAI-compatible simulator on 127.0.0.1 until stopped (Ctrl+C).",
                "Prints its base URL (http://127.0.0.1:PORT/v1) as the first line."})
public class SimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", defaultValue = "0",
            description = "Port to listen on (default: a free port).")
    int port;

    @Option(names = "--faults", paramLabel = "SPEC",
            description = "Latency overrides and faults, comma-separated name=value: ttft-ms, tps, jitter, rate429, "
                    + "retry-after-ms, rate5xx, drop, stall, error-event, rpm, burst, tpm, burst-tokens, ratelimit-headers, cut-once, ignore-max-tokens, max-concurrency, key. "
                    + "Per request also via the header X-Sim-Faults: SPEC.")
    String faults;

    @Option(names = "--models", paramLabel = "NAME", split = ",",
            description = "More model names to serve, comma-separated or repeated (by default it serves every model "
                    + "and alias of the price catalogue and its built-in list; any other model gets 404 "
                    + "model_not_found).")
    java.util.List<String> models = new java.util.ArrayList<>();

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "" + CliServices.SIM_MAX_BODY_BYTES,
            description = "Largest request body accepted; a larger one gets 413 (default: ${DEFAULT-VALUE}, 16 MiB).")
    long maxBodyBytes;

    @Option(names = "--read-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Time allowed for a request's headers, and again for its body; past it the connection is "
                    + "closed (a late body gets 408 first) (default: ${DEFAULT-VALUE}).")
    long readTimeoutMs;

    @Option(names = "--max-handlers", paramLabel = "N", defaultValue = "" + CliServices.SIM_MAX_HANDLERS,
            description = "Requests handled at once; one more gets 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int maxHandlers;

    @Option(names = "--dialect", paramLabel = "D", converter = Converters.DialectConverter.class,
            description = "Answer as a server of this dialect: which thinking switch it obeys, which field carries the "
                    + "reasoning, whether a stream sends usage (dashscope, vllm, sglang, llamacpp, ollama, openrouter, "
                    + "deepseek, openai, lmstudio, generic; default: dashscope's ways).")
    dev.llmworkbench.domain.Dialect dialect;

    @Override
    public Integer call() {
        CliServices.ForegroundSimulator sim;
        try {
            sim = CliServices.startSimulator(port, faults, models, maxBodyBytes, Duration.ofMillis(readTimeoutMs),
                    maxHandlers, dialect);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        try {
            sim.closeOnShutdown();
            PrintWriter out = spec.commandLine().getOut();
            out.println(sim.baseUrl());
            out.flush();
            sim.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sim.close();
        }
        return ExitCodes.OK;
    }
}
