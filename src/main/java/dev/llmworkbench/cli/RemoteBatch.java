package dev.llmworkbench.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.RemoteShardRecord;
import dev.llmworkbench.service.batch.BatchExport;
import dev.llmworkbench.service.batch.BatchInput;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.service.batch.remote.RemoteBatchException;
import dev.llmworkbench.service.batch.remote.RemoteBatchService;
import dev.llmworkbench.service.batch.remote.RemoteListener;
import dev.llmworkbench.service.batch.remote.RemoteDryRun;
import dev.llmworkbench.service.batch.remote.RemoteSettings;
import dev.llmworkbench.service.batch.remote.RemoteSummary;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code batch} on a provider's own batch engine: {@code --remote} (a new job: planned into shards, uploaded,
 * submitted, waited for and reconciled), {@code --resume JOB_ID} of such a job, {@code --remote-status JOB_ID
 * [--json]}, {@code --cancel JOB_ID}, {@code --export-batch-files DIR} and {@code --resume JOB_ID
 * --import-results FILE...}. Prints {@code job: JOB_ID} on stderr first, then one line per shard as it is
 * submitted, then a progress line per round of polling. Exit codes as for every command that reads rows.
 */
final class RemoteBatch {
    private final BatchCommand cmd;
    private final CliServices services;
    private final RemoteBatchOptions opts;
    private final PrintWriter out;
    private final PrintWriter err;
    private final RemoteBatchService remote;

    RemoteBatch(BatchCommand cmd, CliServices services) {
        this.cmd = cmd;
        this.services = services;
        this.opts = cmd.remote;
        this.out = cmd.spec.commandLine().getOut();
        this.err = cmd.spec.commandLine().getErr();
        this.remote = services.remoteBatches(cmd.dbOption.file());
    }

    Integer call() {
        RemoteBatchOptions r = opts;
        try {
            if (r.status != null) {
                return status(r.status);
            }
            if (r.cancel != null) {
                return cancel(r.cancel);
            }
            if (r.importFiles != null) {
                return importResults();
            }
            if (cmd.resume != null) {
                return resume(cmd.resume);
            }
            return newJob();
        } catch (RemoteBatchException e) {
            ApiError a = e.error();
            if (a != null && a.kind() == ApiError.Kind.AUTH) {
                throw new UsageException(e.getMessage());
            }
            throw new IllegalStateException(UsageException.oneLine(e.getMessage()), e);
        }
    }

    private BatchJobRecord job(String id) {
        if (!remote.isRemote(id)) {
            throw new UsageException("batch job '" + id + "' is not a provider batch job (run it with --resume "
                    + id + ")");
        }
        return remote.job(id);
    }

    private Integer newJob() {
        RemoteBatchOptions r = opts;
        if (cmd.input == null) {
            throw new UsageException("--remote needs --input FILE");
        }
        boolean export = r.exportDir != null;
        if (cmd.output == null && !cmd.dryRun && !export) {
            throw new UsageException("--output FILE is required");
        }
        BatchSettings settings = cmd.newSettings();
        String fmt;
        try {
            BatchInput.kindOf(cmd.input);
            fmt = cmd.output == null ? "jsonl" : BatchExport.formatOf(cmd.format, cmd.output);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        long maxLine = BatchCommand.checkMaxLineBytes(cmd.maxLineBytes);
        BatchTarget target = cmd.provider.apply(BatchCommand.target(services, settings));
        RemoteSettings rs;
        try {
            rs = RemoteSettings.defaults(target.profile().dialect()).with(r.maxLinesPerFile, r.maxBytesPerFile,
                    r.completionWindow, r.pollS == null ? null : Duration.ofMillis(Math.round(r.pollS * 1000)));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (cmd.dryRun) {
            return dryRun(settings, target, rs, maxLine);
        }
        Path output = cmd.output != null ? cmd.output : r.exportDir.resolve("results.jsonl");
        BatchService.Prepared prepared;
        try {
            // the rows go into the job one at a time; an empty, missing or unreadable input is wrong usage (2)
            prepared = remote.create(cmd.input, output, fmt, settings, rs, BatchCommand.providerName(settings),
                    maxLine);
        } catch (BatchInput.InputException e) {
            throw new UsageException(e.getMessage());
        }
        BatchJobRecord job = prepared.job();
        err.println("job: " + job.id());
        for (BatchService.InvalidRow row : prepared.firstInvalid()) {
            err.println(BatchCommand.invalidLine(row.line(), row.reason()));
        }
        err.flush();
        if (export) {
            List<Path> files = remote.exportFiles(job.id(), target.profile(), settings, r.exportDir);
            for (Path f : files) {
                out.println("batch file: " + f);
            }
            out.println("job " + job.id() + ": " + files.size() + " batch files in " + r.exportDir
                    + "; reconcile their results with --resume " + job.id() + " --import-results FILE...");
            out.flush();
            return BatchCommand.estimatedCode(prepared.counts(), err);
        }
        return submitAndWait(job, settings, target);
    }

    /** The rows read one at a time (each invalid one said as it comes), priced live and at the batch price. */
    private Integer dryRun(BatchSettings settings, BatchTarget target, RemoteSettings rs, long maxLine) {
        List<BatchRow> rows = new ArrayList<>();
        BatchInput.Counts counts;
        try (BatchInput.Rows it = BatchInput.open(cmd.input, maxLine)) {
            while (it.hasNext()) {
                BatchInput.Row row = it.next();
                if (row.valid()) {
                    rows.add(row.row());
                } else {
                    err.println(BatchCommand.invalidLine(row.line(), row.invalidReason()));
                }
            }
            counts = it.counts();
            counts.requireRows(cmd.input);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        RemoteDryRun d = remote.dryRun(rows, target.profile(), settings, rs);
        out.println(String.format(Locale.ROOT, "dry run: %d rows in %d files and %d batches, completion window "
                + "%s; worst case $%s live, $%s at the batch price (saving $%s)%s", rows.size(), d.files(), d.files(),
                d.completionWindow(), Amounts.plain(d.liveUsd()), Amounts.plain(d.batchUsd()), Amounts.plain(d.savingUsd()),
                d.unpriced() == 0 ? "" : "; " + d.unpriced() + " rows without a price"));
        out.flush();
        return BatchCommand.estimatedCode(counts, err);
    }

    private Integer resume(String id) {
        BatchJobRecord job = job(id);
        err.println("job: " + job.id());
        err.flush();
        BatchSettings settings = BatchSettings.fromJson(job.settingsJson());
        BatchTarget target = BatchCommand.resumedTarget(services, settings, cmd.provider);
        return submitAndWait(job, settings, target);
    }

    private Integer submitAndWait(BatchJobRecord job, BatchSettings settings, BatchTarget target) {
        Instant started = Instant.now();
        RemoteListener listener = new RemoteListener() {
            @Override
            public void submitted(RemoteShardRecord s, int shards) {
                err.println("shard " + s.shardNo() + "/" + shards + ": " + s.lines() + " lines, file " + s.fileId()
                        + ", batch " + s.batchId());
                err.flush();
            }

            @Override
            public void reconciled(RemoteShardRecord s) {
                if (s.error() != null) {
                    err.println("shard " + s.shardNo() + ": " + state(s) + ": " + UsageException.oneLine(s.error()));
                    err.flush();
                }
            }

            @Override
            public void polled(List<RemoteShardRecord> shards, Duration next) {
                List<String> parts = new ArrayList<>();
                for (RemoteShardRecord s : shards) {
                    parts.add("shard " + s.shardNo() + " " + state(s) + " " + s.completed() + "/" + s.total()
                            + (s.failed() > 0 ? " (" + s.failed() + " failed)" : ""));
                }
                err.println("progress: " + String.join("; ", parts)
                        + (next.isZero() ? "" : "; next look in " + next.toSeconds() + " s"));
                err.flush();
            }
        };
        remote.submit(job.id(), target, settings, listener);
        if (opts.noWait) {
            out.println("job " + job.id() + ": every shard submitted; collect the results with --resume " + job.id());
            out.flush();
            return ExitCodes.OK;
        }
        try {
            remote.await(job.id(), target, listener);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted; resume with --resume " + job.id());
        }
        return finish(job, settings, started);
    }

    private Integer finish(BatchJobRecord job, BatchSettings settings, Instant started) {
        RemoteSummary rs = remote.finish(job.id(), settings, started);
        BatchSummary summary = rs.summary();
        out.println("job " + job.id() + ": results in " + job.outputPath());
        out.println(summary.describe());
        out.println(rs.describe());
        out.flush();
        int code = ExitCodes.forRows(summary.succeeded(), summary.failed(), summary.notRun(), summary.invalid());
        if (code != ExitCodes.OK) {
            err.println(ExitCodes.rowCounts(summary.succeeded(), summary.failed(), summary.notRun(),
                    summary.invalid()));
        }
        err.flush();
        return code;
    }

    private Integer status(String id) {
        BatchJobRecord job = job(id);
        List<RemoteShardRecord> shards = remote.shards(job.id());
        if (opts.json) {
            JsonObject j = Json.obj();
            j.addProperty("job", job.id());
            j.addProperty("engine", "provider-batch");
            JsonArray arr = Json.arr();
            for (RemoteShardRecord s : shards) {
                JsonObject x = Json.obj();
                x.addProperty("shard", s.shardNo());
                x.addProperty("state", s.state().wireName());
                x.addProperty("provider_status", s.providerStatus());
                x.addProperty("lines", s.lines());
                x.addProperty("file_id", s.fileId());
                x.addProperty("batch_id", s.batchId());
                x.addProperty("total", s.total());
                x.addProperty("completed", s.completed());
                x.addProperty("failed", s.failed());
                x.addProperty("error", s.error());
                arr.add(x);
            }
            j.add("shards", arr);
            out.println(Json.print(j));
        } else {
            out.println("job " + job.id() + ": " + shards.size() + " shards");
            for (RemoteShardRecord s : shards) {
                out.println("shard " + s.shardNo() + "/" + shards.size() + ": " + state(s) + ", " + s.completed() + "/"
                        + s.total() + " completed, " + s.failed() + " failed, " + s.lines() + " lines, file "
                        + s.fileId() + ", batch " + s.batchId() + (s.error() == null ? "" : "; " + s.error()));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private Integer cancel(String id) {
        BatchJobRecord job = job(id);
        BatchSettings settings = BatchSettings.fromJson(job.settingsJson());
        BatchTarget target = cmd.provider.apply(BatchCommand.target(services, settings));
        int n = remote.cancel(job.id(), target);
        out.println("job " + job.id() + ": cancel asked for " + n + " batch" + (n == 1 ? "" : "es")
                + "; collect what they finished with --resume " + job.id());
        out.flush();
        return ExitCodes.OK;
    }

    private Integer importResults() {
        if (cmd.resume == null) {
            throw new UsageException("--import-results needs --resume JOB_ID: the job the results belong to");
        }
        BatchJobRecord job = job(cmd.resume);
        err.println("job: " + job.id());
        err.flush();
        BatchSettings settings = BatchSettings.fromJson(job.settingsJson());
        BatchTarget target = cmd.provider.apply(BatchCommand.target(services, settings));
        RemoteBatchService.Imported im = remote.importResults(job.id(), target.profile(), opts.importFiles);
        err.println("imported: " + im.done() + " done, " + im.failed() + " failed, " + im.notRun() + " not run"
                + (im.unknown() > 0 ? ", " + im.unknown() + " lines of no row of this job" : ""));
        err.flush();
        if (!remote.finished(job.id())) {
            out.println("job " + job.id() + ": some rows have no result yet");
            out.flush();
            return ExitCodes.FAILED;
        }
        return finish(job, settings, Instant.now());
    }

    private static String state(RemoteShardRecord s) {
        return s.providerStatus() != null ? s.providerStatus() : s.state().wireName();
    }

}
