package dev.llmworkbench.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of {@code batch} that run a job on a provider's own batch engine (OpenAI-compatible files and
 * batches) instead of live from this computer: see {@link RemoteBatch}.
 */
public final class RemoteBatchOptions {
    @Option(names = "--remote", description = "run on the provider's batch service (about half the price, within "
            + "the completion window) instead of live from this computer")
    boolean remote;

    @Option(names = "--remote-status", paramLabel = "JOB_ID", description = "each shard's state and counts of a "
            + "provider batch job, without waiting")
    String status;

    @Option(names = "--cancel", paramLabel = "JOB_ID", description = "cancel every unfinished shard of a provider "
            + "batch job")
    String cancel;

    @Option(names = "--json", description = "with --remote-status: print JSON")
    boolean json;

    @Option(names = "--completion-window", paramLabel = "W", description = "the provider's completion window "
            + "(default 24h; DashScope takes 24h-336h or 1d-14d)")
    String completionWindow;

    @Option(names = "--max-lines-per-file", paramLabel = "N", description = "lines per batch file at most "
            + "(default: the provider's limit, 50000)")
    Integer maxLinesPerFile;

    @Option(names = "--max-bytes-per-file", paramLabel = "N", description = "bytes per batch file at most "
            + "(default: the provider's limit)")
    Long maxBytesPerFile;

    @Option(names = "--poll-s", paramLabel = "S", description = "look at each batch at most once per S seconds "
            + "(default 30)")
    Double pollS;

    @Option(names = "--no-wait", description = "exit once every shard is submitted (collect with --resume JOB_ID)")
    boolean noWait;

    @Option(names = "--export-batch-files", paramLabel = "DIR", description = "write the job's shards as OpenAI "
            + "batch JSONL files into DIR (for vllm run-batch and other offline runners); send nothing")
    Path exportDir;

    @Option(names = "--import-results", paramLabel = "FILE", arity = "1..*", description = "with --resume JOB_ID: "
            + "reconcile result files produced elsewhere (OpenAI batch output lines) into the job")
    List<Path> importFiles;

    /** Whether any option here was given (the command then runs the provider batch path). */
    boolean any() {
        return remote || status != null || cancel != null || exportDir != null || importFiles != null;
    }
}
