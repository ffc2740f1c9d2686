package dev.llmworkbench.service.batch;

import com.google.gson.GsonBuilder;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.metrics.Percentiles;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.ResultRecord;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Exports a batch job, one line per item (invalid rows included), as JSONL or CSV with the fields
 * {@link #FIELDS}, and computes its {@link BatchSummary}.
 */
public final class BatchExport {
    /** The export's fields, in order. */
    public static final List<String> FIELDS = List.of("request_id", "line", "status", "model", "response",
            "reasoning", "finish_reason", "latency_ms", "ttft_ms", "queue_ms", "total_ms", "prompt_tokens",
            "completion_tokens", "cost_usd", "attempts", "check", "error", "note", "engine", "provider_request_id");

    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private BatchExport() {
    }

    /** The export format named by {@code jsonl}/{@code csv}, or by a file's extension. */
    public static String formatOf(String format, Path output) {
        String f = format;
        if (f == null) {
            String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
            int dot = name.lastIndexOf('.');
            f = dot < 0 ? "" : name.substring(dot + 1);
        }
        f = f.toLowerCase(Locale.ROOT);
        if (!f.equals("jsonl") && !f.equals("csv")) {
            throw new IllegalArgumentException("unknown export format '" + f + "' (expected jsonl or csv)");
        }
        return f;
    }

    /** One item's export line as JSON (fields in order, nulls kept), of a job run live from this machine. */
    public static JsonObject line(BatchStore.ItemResult ir) {
        return line(ir, dev.llmworkbench.store.RemoteShardStore.LIVE);
    }

    /**
     * One item's export line as JSON (fields in order, nulls kept); {@code engine} is the job's: {@code live} or
     * {@code provider-batch}.
     */
    public static JsonObject line(BatchStore.ItemResult ir, String engine) {
        BatchItemRecord item = ir.item();
        ResultRecord r = ir.result();
        JsonObject o = new JsonObject();
        o.addProperty("request_id", item.requestId());
        o.add("line", item.line() == null ? JsonNull.INSTANCE : new JsonPrimitive(item.line()));
        o.addProperty("status", status(item.status()));
        String model = r != null ? r.model() : rowModel(item);
        o.add("model", str(model));
        o.add("response", str(r == null ? null : r.responseText()));
        o.add("reasoning", str(r == null || r.reasoning() == null || r.reasoning().isEmpty() ? null : r.reasoning()));
        o.add("finish_reason", str(r == null ? null : r.finishReason()));
        Timing t = r == null ? null : r.timing();
        o.add("latency_ms", BatchSummary.num(t == null ? null : t.e2eMs()));
        o.add("ttft_ms", BatchSummary.num(t == null ? null : t.ttftMs()));
        o.add("queue_ms", BatchSummary.num(t == null ? null : t.queueMs()));
        o.add("total_ms", BatchSummary.num(t == null ? null : t.totalMs()));
        Usage u = r == null ? null : r.usage();
        o.add("prompt_tokens", u == null || u.promptTokens() == null ? JsonNull.INSTANCE : new JsonPrimitive(u.promptTokens()));
        o.add("completion_tokens", u == null || u.completionTokens() == null ? JsonNull.INSTANCE
                : new JsonPrimitive(u.completionTokens()));
        o.add("cost_usd", BatchSummary.money(rowCost(item, r)));
        o.addProperty("attempts", r == null ? 0 : r.attempts().size());
        o.add("check", str(r == null || r.checkPassed() == null ? null : r.checkPassed() ? "pass" : "fail"));
        o.add("error", str(error(item, r)));
        o.add("note", str(note(item, r)));
        o.addProperty("engine", engine);
        String providerRequestId = null;
        if (r != null) {
            for (dev.llmworkbench.domain.Attempt a : r.attempts()) {
                providerRequestId = a.requestId() != null ? a.requestId() : providerRequestId;
            }
        }
        o.add("provider_request_id", str(providerRequestId));
        return o;
    }

    private static String status(ItemStatus s) {
        return switch (s) {
            case DONE -> "done";
            case FAILED -> "failed";
            case INVALID -> "invalid";
            default -> "not_run";
        };
    }

    private static String error(BatchItemRecord item, ResultRecord r) {
        if (item.status() == ItemStatus.INVALID) {
            return item.line() == null ? item.invalidReason() : "line " + item.line() + ": " + item.invalidReason();
        }
        if (r != null) {
            return r.error() == null ? null : r.error().message();
        }
        if (item.status() == ItemStatus.NOT_RUN && item.invalidReason() != null) {
            return "not run: " + item.invalidReason(); // a provider batch row: expired, cancelled, refused, missing
        }
        return item.status() == ItemStatus.DONE ? null : "not run";
    }

    /**
     * What a row cost: its result's cost plus what its attempts without a result were billed (null when neither
     * is known).
     */
    public static BigDecimal rowCost(BatchItemRecord item, ResultRecord r) {
        BigDecimal result = r == null ? null : r.costUsd();
        BigDecimal billed = item.billedUsd();
        return billed == null ? result : result == null ? billed : result.add(billed);
    }

    private static String note(BatchItemRecord item, ResultRecord r) {
        String billed = item.billedUsd() == null || item.billedUsd().signum() == 0 ? null
                : "a request cancelled mid-stream was billed $" + item.billedUsd().stripTrailingZeros().toPlainString()
                + " for what it streamed";
        String attempts = note(r);
        return billed == null ? attempts : attempts == null ? billed : billed + "; " + attempts;
    }

    /** What a person should know of a row beside its error: a cut output, earlier cut attempts. */
    private static String note(ResultRecord r) {
        if (r == null || r.attempts().isEmpty()) {
            return null;
        }
        List<String> notes = new ArrayList<>();
        int cut = 0;
        for (dev.llmworkbench.domain.Attempt a : r.attempts()) {
            if (a.partialText() != null) {
                cut++;
            }
            if (a.errorKind() == null && a.errorMessage() != null) {
                notes.add(a.errorMessage());
            } else if (a.number() == 1 && a.errorMessage() != null && a.errorMessage().contains("what was left of the budget")) {
                notes.add(a.errorMessage().split("; ", 2)[0]);
            }
        }
        if (cut > 0) {
            notes.add(cut + " earlier attempt" + (cut == 1 ? " was" : "s were") + " cut mid-stream (billed for what arrived)");
        }
        return notes.isEmpty() ? null : String.join("; ", notes);
    }

    private static String rowModel(BatchItemRecord item) {
        if (item.status() == ItemStatus.INVALID || item.rowJson() == null) {
            return null;
        }
        try {
            return BatchRow.fromJson(item.rowJson()).model();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static JsonElement str(String s) {
        return s == null ? JsonNull.INSTANCE : new JsonPrimitive(s);
    }

    /**
     * Writes the export of every item of the job to {@code output}, one item at a time as the store reads
     * them (a big job's results are never all in memory at once).
     */
    public static void write(BatchStore store, String jobId, Path output, String format) {
        String engine = store.engine(jobId).orElse(dev.llmworkbench.store.RemoteShardStore.LIVE);
        writeTo(output, w -> {
            try (LineWriter lines = new LineWriter(w, format, engine)) {
                store.forEachItemWithResult(jobId, lines::writeUnchecked);
            }
        });
    }

    /** What writes a file's content. */
    @FunctionalInterface
    public interface FileContent {
        void writeTo(Writer w) throws IOException;
    }

    /**
     * Creates {@code output} (and its folder) and writes it; an I/O error says which file. The content goes
     * to a temporary file beside it, which then replaces {@code output}: an export that fails half-way
     * leaves the earlier file as it was.
     */
    public static void writeTo(Path output, FileContent content) {
        Path target = output.toAbsolutePath();
        Path tmp = null;
        try {
            Path parent = target.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            removeLeftovers(parent, target.getFileName().toString());
            tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".part");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.writeTo(w);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getCause().getMessage(), e.getCause());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray .part file is all that is left
                }
            }
        }
    }

    /** Removes the temporary files an export of {@code name} left when its process was killed (issue 14). */
    private static void removeLeftovers(Path dir, String name) {
        if (dir == null) {
            return;
        }
        String prefix = "." + name + ".";
        try (java.nio.file.DirectoryStream<Path> parts = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".part") && Files.isRegularFile(p);
        })) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            // a leftover that cannot be removed does not stop the export
        }
    }

    /**
     * Writes export lines one item at a time, JSONL or CSV (with its header); {@link #close()} flushes and
     * leaves the writer open.
     */
    public static final class LineWriter implements Closeable {
        private final Writer w;
        private final String engine;
        private final CSVPrinter csv;

        /** Lines of a job run live from this machine. */
        public LineWriter(Writer w, String format) throws IOException {
            this(w, format, dev.llmworkbench.store.RemoteShardStore.LIVE);
        }

        /** Lines of a job run by {@code engine} ({@code live} or {@code provider-batch}). */
        public LineWriter(Writer w, String format, String engine) throws IOException {
            this.engine = engine;
            this.w = w;
            this.csv = format.equals("csv")
                    ? new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(FIELDS.toArray(String[]::new)).get())
                    : null;
        }

        public void write(BatchStore.ItemResult ir) throws IOException {
            JsonObject o = line(ir, engine);
            if (csv != null) {
                List<String> values = new ArrayList<>(FIELDS.size());
                for (String f : FIELDS) {
                    JsonElement e = o.get(f);
                    values.add(e == null || e.isJsonNull() ? "" : e.getAsString());
                }
                csv.printRecord(values);
            } else {
                w.write(GSON.toJson(o));
                w.write('\n');
            }
        }

        /** {@link #write}, for a callback that cannot throw checked exceptions. */
        public void writeUnchecked(BatchStore.ItemResult ir) {
            try {
                write(ir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (csv != null) {
                csv.flush();
            }
            w.flush();
        }
    }

    /** A job's counts, cost, tokens and latencies, added up one item at a time (keeps a few numbers per item). */
    public static final class Tally {
        private int total;
        private int done;
        private int failed;
        private int notRun;
        private int invalid;
        private int passed;
        private int checked;
        private int costed;
        private BigDecimal cost = BigDecimal.ZERO;
        private long prompt;
        private long completion;
        private final List<Double> latency = new ArrayList<>();
        private final List<Double> ttft = new ArrayList<>();
        private final List<Double> totalMs = new ArrayList<>();
        private int count429;
        private int retries;
        private int cuts;

        public void add(BatchStore.ItemResult ir) {
            total++;
            switch (ir.item().status()) {
                case DONE -> done++;
                case FAILED -> failed++;
                case INVALID -> invalid++;
                default -> notRun++;
            }
            if (ir.item().billedUsd() != null) {
                cost = cost.add(ir.item().billedUsd()); // billed attempts that left no result count in the spend
            }
            ResultRecord r = ir.result();
            if (r == null) {
                return;
            }
            if (r.costUsd() != null) {
                cost = cost.add(r.costUsd());
                costed++;
            }
            if (r.usage() != null) {
                prompt += r.usage().promptOrZero();
                completion += r.usage().completionOrZero();
            }
            retries += Math.max(0, r.attempts().size() - 1);
            for (dev.llmworkbench.domain.Attempt a : r.attempts()) {
                if ((a.httpStatus() != null && a.httpStatus() == 429) || "rate_limited".equals(a.errorKind())) {
                    count429++;
                }
                if (a.partialText() != null) {
                    cuts++;
                }
            }
            if (r.checkPassed() != null) {
                checked++;
                if (r.checkPassed()) {
                    passed++;
                }
            }
            if (r.succeeded() && r.timing() != null) {
                if (r.timing().e2eMs() != null) {
                    latency.add(r.timing().e2eMs());
                }
                if (r.timing().ttftMs() != null) {
                    ttft.add(r.timing().ttftMs());
                }
                if (r.timing().totalMs() > 0) {
                    totalMs.add(r.timing().totalMs());
                }
            }
        }

        public BatchSummary summary(double wallS) {
            int valid = total - invalid;
            return new BatchSummary(total, done, failed, notRun, invalid, valid == 0 ? null : (double) done / valid,
                    checked == 0 ? null : (double) passed / checked, cost,
                    costed == 0 ? null : cost.divide(BigDecimal.valueOf(costed), MathContext.DECIMAL64), prompt,
                    completion, Percentiles.of(latency), Percentiles.of(ttft), wallS > 0 ? completion / wallS : null,
                    wallS, Percentiles.of(totalMs), count429, retries, cuts, null);
        }
    }
}
