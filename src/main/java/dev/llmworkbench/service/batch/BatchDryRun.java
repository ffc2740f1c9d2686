package dev.llmworkbench.service.batch;

import dev.llmworkbench.cost.Router;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.chat.ChatService;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A dry run's figures per model and the counts of the rows read. */
public record BatchDryRun(List<BatchService.DryRunModel> models, BatchInput.Counts counts) {
    public BatchDryRun {
        models = List.copyOf(models);
    }

    /**
     * The dry run of an input file, read a row at a time and planned row by row as the engine would
     * ({@link ItemPlanner#plan}): the model each row goes to (its own, the settings', the router's pick, the
     * profile's default) and the reservation the control loop would make for it (its own {@code max_tokens},
     * else the run's, and its thinking budget), summed per model. The worst case of the whole run is the sum of
     * {@link BatchService.DryRunModel#worstUsd()}: what a budget would have to cover. Each invalid row is handed
     * to {@code onInvalid} as it is read; only sums are kept, never the rows.
     *
     * @throws BatchInput.InputException when the file cannot be read as rows
     */
    public static BatchDryRun of(ChatService chat, ProviderProfile profile, Path file, long maxLineBytes,
                                BatchSettings settings, Consumer<BatchInput.Row> onInvalid) {
        Router router = new Router();
        Map<String, long[]> sums = new LinkedHashMap<>();
        Map<String, BigDecimal> usd = new LinkedHashMap<>();
        Map<String, String> tokenizers = new LinkedHashMap<>();
        BatchInput.Counts counts;
        try (BatchInput.Rows rows = BatchInput.open(file, maxLineBytes)) {
            while (rows.hasNext()) {
                BatchInput.Row r = rows.next();
                if (!r.valid()) {
                    onInvalid.accept(r);
                    continue;
                }
                ItemPlanner.RowPlan plan = ItemPlanner.plan(chat, profile, settings, router, r.row(), true);
                long[] s = sums.computeIfAbsent(plan.model(), k -> new long[4]);
                s[0]++;
                s[1] += plan.estimate().tokens();
                tokenizers.putIfAbsent(plan.model(), plan.estimate().tokenizer());
                s[2] += plan.reserve() != null ? plan.reserve().outputTokens() : plan.request().maxTokens();
                if (plan.reserve() == null) {
                    s[3]++;
                } else {
                    usd.merge(plan.model(), plan.reserve().usd().amount(), BigDecimal::add);
                }
            }
            counts = rows.counts();
        }
        List<BatchService.DryRunModel> out = new ArrayList<>();
        sums.forEach((model, s) -> out.add(new BatchService.DryRunModel(model, (int) s[0], s[1], s[2],
                usd.getOrDefault(model, BigDecimal.ZERO), (int) s[3], tokenizers.get(model))));
        return new BatchDryRun(out, counts);
    }
}
