package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.service.batch.BatchService.InvalidRow;
import dev.llmworkbench.service.batch.BatchService.Prepared;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.RunStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A new batch job from an input file, read a row at a time straight into the store (one transaction), so
 * that no more than one row is held however big the file; the run names the models its rows ask for.
 */
final class BatchImport {
    private BatchImport() {
    }

    static Prepared create(BatchStore store, RunStore runs, Path input, Path output, String format,
                           BatchSettings settings, String provider, long maxLineBytes) {
        try (BatchInput.Rows rows = BatchInput.open(input, maxLineBytes)) {
            List<String> models = new ArrayList<>();
            if (settings.model() != null) {
                models.add(settings.model());
            }
            List<String> named = List.copyOf(models);
            boolean[] rowWithoutModel = {false};
            List<InvalidRow> invalid = new ArrayList<>();
            Iterator<BatchItemRecord.New> items = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (rows.hasNext()) {
                        return true;
                    }
                    rows.counts().requireRows(input); // inside the job's transaction: an empty input stores nothing
                    return false;
                }

                @Override
                public BatchItemRecord.New next() {
                    BatchInput.Row r = rows.next();
                    if (r.valid()) {
                        if (r.row().model() != null && !models.contains(r.row().model())) {
                            models.add(r.row().model());
                        }
                        rowWithoutModel[0] |= r.row().model() == null;
                        return BatchItemRecord.New.valid(r.line(), r.requestId(), r.rowJson());
                    }
                    if (invalid.size() < BatchService.INVALID_SHOWN) {
                        invalid.add(InvalidRow.of(r));
                    }
                    return BatchItemRecord.New.invalid(r.line(), r.requestId(), r.rowJson(), r.invalidReason());
                }
            };
            String abs = input.toAbsolutePath().toString();
            RunRecord run = runs.create(RunKind.BATCH, "batch " + input.getFileName(), abs, provider, models,
                    settings.toJson());
            BatchJobRecord job;
            try {
                job = store.createJob(run.id(), abs, output.toAbsolutePath().toString(), format, settings.toJson(),
                        () -> items);
            } catch (RuntimeException e) {
                try {
                    runs.delete(run.id());
                } catch (RuntimeException d) {
                    e.addSuppressed(d);
                }
                throw e;
            }
            if (settings.model() == null && !settings.route() && rowWithoutModel[0]
                    && !models.contains(BatchSettings.DEFAULT_MODEL)) {
                // rows without a model of their own go to the default model (the engine does the same)
                models.add(0, BatchSettings.DEFAULT_MODEL);
            }
            if (!models.equals(named)) {
                runs.updateModels(run.id(), models);
            }
            return new Prepared(job, rows.counts(), invalid);
        }
    }
}
