package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.client.BatchLines;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.RemoteShardStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns provider result files (output and error, lines in any order) into ordinary stored results, matched
 * by {@code custom_id}: a 200 line is {@code done} with its answer, reasoning, usage, finish reason and its
 * cost at the batch price (the catalogue's {@code batch_discount}); another status is {@code failed} with the
 * provider's message; a line never run ({@code batch_expired}, {@code batch_cancelled}) is {@code not_run}
 * with its message. Results are stored in groups of {@link #GROUP} per transaction; a row that already has
 * its result is left alone, so reading the same file twice stores nothing twice. Files are read line by line.
 */
final class Reconciler {
    static final int GROUP = 1000;

    private final BatchStore store;
    private final RemoteShardStore shards;
    private final ChatService chat;
    private final String provider;

    Reconciler(BatchStore store, RemoteShardStore shards, ChatService chat, String provider) {
        this.store = store;
        this.shards = shards;
        this.chat = chat;
        this.provider = provider;
    }

    /** How many lines of each kind were read. */
    record Tally(int done, int failed, int notRun, int unknown, BigDecimal costUsd, long tokens) {
    }

    /**
     * Reads {@code files} into the job whose rows are {@code byCustomId} (custom id → item); {@code startedAt}
     * is when the batch was submitted (the results' start), {@code model} the rows' model when a line has none.
     */
    Tally read(String jobId, Map<String, BatchItemRecord> byCustomId, List<Path> files, Instant startedAt,
               Instant endedAt, String model) {
        List<BatchStore.Completed> group = new ArrayList<>();
        Map<Long, String> notRun = new LinkedHashMap<>();
        int done = 0;
        int failed = 0;
        int unknown = 0;
        Spend spend = new Spend();
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String raw;
                while ((raw = r.readLine()) != null) {
                    if (raw.isBlank()) {
                        continue;
                    }
                    BatchLines.Result line;
                    try {
                        line = BatchLines.readResult(raw);
                    } catch (IllegalArgumentException e) {
                        unknown++;
                        continue;
                    }
                    BatchItemRecord item = byCustomId.get(line.customId());
                    if (item == null) {
                        unknown++;
                        continue;
                    }
                    if (line.notRun()) {
                        notRun.put(item.id(), "not run by the provider: " + line.error().message()
                                + (line.error().code() == null ? "" : " (" + line.error().code() + ")"));
                        continue;
                    }
                    ResultRecord rec = result(line, model, startedAt, endedAt);
                    if (rec.error() == null) {
                        done++;
                    } else {
                        failed++;
                    }
                    group.add(new BatchStore.Completed(item.id(), rec));
                    if (group.size() >= GROUP) {
                        spend.add(store.completeAll(group));
                        group = new ArrayList<>();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the result file " + f + ": " + e.getMessage(), e);
            }
        }
        spend.add(store.completeAll(group));
        if (!notRun.isEmpty()) {
            shards.markNotRun(jobId, notRun);
        }
        return new Tally(done, failed, notRun.size(), unknown, spend.usd, spend.tokens);
    }

    /** What the results stored by this reading cost (those already stored before are skipped by the store). */
    private static final class Spend {
        BigDecimal usd = BigDecimal.ZERO;
        long tokens;

        void add(List<ResultRecord> stored) {
            for (ResultRecord r : stored) {
                if (r == null) {
                    continue;
                }
                if (r.costUsd() != null) {
                    usd = usd.add(r.costUsd());
                }
                if (r.usage() != null) {
                    tokens += r.usage().promptOrZero() + r.usage().completionOrZero();
                }
            }
        }
    }

    /** custom id → item, for the given rows. */
    static Map<String, BatchItemRecord> byCustomId(List<BatchItemRecord> items) {
        Map<String, BatchItemRecord> m = new HashMap<>(items.size() * 2);
        for (BatchItemRecord i : items) {
            m.put(ShardPlanner.customId(i), i);
        }
        return m;
    }

    private ResultRecord result(BatchLines.Result line, String fallbackModel, Instant startedAt, Instant endedAt) {
        Completion c = line.completion();
        String model = c != null && c.model() != null ? c.model() : fallbackModel;
        ResultRecord.Builder b = ResultRecord.builder(0).model(model).provider(provider).startedAt(startedAt)
                .endedAt(endedAt).attempts(List.of(new Attempt(1, line.statusCode(),
                        line.error() == null ? null : line.error().kind().wireName(),
                        "provider-batch request " + line.requestId()
                                + (line.error() == null ? "" : ": " + line.error().message()), null, null, null, null,
                        line.requestId())));
        if (c == null) {
            return b.error(line.error()).build();
        }
        b.responseText(c.text()).reasoning(c.reasoning()).finishReason(c.finishReason()).usage(c.usage());
        if (c.usage() != null) {
            String pp = chat.priceProvider(provider, model);
            CostResult cost = chat.costs().cost(pp, model, c.usage(), true);
            BigDecimal usd = cost.hasPrice() ? cost.totalUsd().amount() : null;
            b.costUsd(usd);
        }
        return b.build();
    }
}
