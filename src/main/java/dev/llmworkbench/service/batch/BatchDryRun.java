package dev.llmworkbench.service.batch;

import dev.llmworkbench.cost.Router;
import dev.llmworkbench.service.estimate.EstimateService;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A dry run's estimate per model and the counts of the rows read. */
public record BatchDryRun(List<EstimateService.ModelEstimate> estimates, BatchInput.Counts counts) {
    public BatchDryRun {
        estimates = List.copyOf(estimates);
    }

    /**
     * The dry-run estimate of an input file, read a row at a time: per model its valid rows, priced at the
     * settings' worst-case output ({@code max_tokens}). A row goes to the model the engine would send it to:
     * its own, else the settings' model, else (routing) the router's pick for its prompt, else the default
     * model. Each invalid row is handed to {@code onInvalid} as it is read. No estimates when no row is valid.
     *
     * @throws BatchInput.InputException when the file cannot be read as rows
     */
    public static BatchDryRun of(EstimateService estimates, Path file, long maxLineBytes, BatchSettings settings,
                                Consumer<BatchInput.Row> onInvalid) {
        Router router = settings.route() && settings.model() == null ? new Router() : null;
        String fallback = settings.model() != null ? settings.model() : BatchSettings.DEFAULT_MODEL;
        Map<String, List<Long>> byModel = new LinkedHashMap<>();
        BatchInput.Counts counts;
        try (BatchInput.Rows rows = BatchInput.open(file, maxLineBytes)) {
            while (rows.hasNext()) {
                BatchInput.Row r = rows.next();
                if (!r.valid()) {
                    onInvalid.accept(r);
                    continue;
                }
                String m = r.row().model() != null ? r.row().model()
                        : router != null ? router.route(r.row().prompt()).model() : fallback;
                byModel.computeIfAbsent(m, k -> new ArrayList<>()).add(estimates.inputTokens(m, r.row().messages()));
            }
            counts = rows.counts();
        }
        List<EstimateService.ModelEstimate> out = new ArrayList<>();
        byModel.forEach((model, tokens) -> out.add(estimates.estimateTokens(model, tokens, tokens.size(),
                settings.effectiveMaxTokens(), BigDecimal.ZERO, BigDecimal.ZERO)));
        return new BatchDryRun(out, counts);
    }
}
