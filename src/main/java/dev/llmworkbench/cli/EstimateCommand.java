package dev.llmworkbench.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.service.batch.BatchInput;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code estimate}: what a workload would cost per model, per request, day and month; sends nothing. */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = {"Estimate the cost of a workload per model (one input row = one request; a month = 30 days).",
                "No request is sent. Exit 0 when every input row is valid and estimated; 1 when any row is invalid",
                "(each named on stderr with its line and reason, then 'rows: N estimated, M invalid'; the valid rows",
                "are still estimated); 2 for wrong usage or nothing usable (bad flags, an empty, missing, unreadable,",
                "binary or UTF-16 input, a CSV header without a prompt column).",
                "Each line (a CSV record) is read as UTF-8 on its own: a bad byte, a line over --max-line-bytes or a",
                "field of the wrong type makes that row invalid; the other rows are estimated."})
public class EstimateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static class Source {
        @Option(names = "--input", paramLabel = "FILE", description = "a batch input file (.csv or .jsonl)")
        Path input;
        @Option(names = "--prompt", paramLabel = "TEXT", description = "one prompt")
        String prompt;
    }

    @Option(names = "--models", paramLabel = "M1,M2,...", split = ",", description = "models to price (default: "
            + ChatCommand.DEFAULT_MODEL + ")")
    List<String> models;

    @Option(names = "--requests-per-day", paramLabel = "N", description = "requests a day (default: the number of input rows)")
    Long requestsPerDay;

    @Option(names = "--output-tokens", paramLabel = "N", defaultValue = "256", description = "output tokens per request (default: ${DEFAULT-VALUE})")
    int outputTokens;

    @Option(names = "--max-line-bytes", paramLabel = "N", description = BatchCommand.MAX_LINE_BYTES_TEXT)
    Long maxLineBytes;

    @Mixin
    CurrencyOption currency;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Currency cur = currency.currency();
        if (outputTokens < 0) {
            throw new UsageException("--output-tokens must not be negative");
        }
        if (requestsPerDay != null && requestsPerDay < 0) {
            throw new UsageException("--requests-per-day must not be negative");
        }
        long maxLine = BatchCommand.checkMaxLineBytes(maxLineBytes);
        List<String> ms = models == null || models.isEmpty() ? List.of(ChatCommand.DEFAULT_MODEL)
                : models.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        BatchInput.Counts counts = null;
        long perDay;
        List<EstimateService.ModelEstimate> est = new ArrayList<>();
        try (CliServices services = new CliServices()) {
            EstimateService estimates = services.estimates();
            // an unknown model is wrong usage, said before any row is read
            for (String m : ms) {
                estimates.estimateTokens(m, List.of(0L), 1, outputTokens, BigDecimal.ZERO, BigDecimal.ZERO);
            }
            Map<String, List<Long>> tokens = new LinkedHashMap<>();
            ms.forEach(m -> tokens.put(m, new ArrayList<>()));
            if (source.prompt != null) {
                List<Message> request = List.of(Message.user(source.prompt));
                ms.forEach(m -> tokens.get(m).add(estimates.inputTokens(m, request)));
            } else {
                // read a row at a time; an empty, missing or unreadable input is wrong usage (2), each invalid
                // row is said as it is read (1)
                try (BatchInput.Rows rows = BatchInput.open(source.input, maxLine)) {
                    while (rows.hasNext()) {
                        BatchInput.Row r = rows.next();
                        if (!r.valid()) {
                            err.println(BatchCommand.invalidLine(r.line(), r.invalidReason()));
                            continue;
                        }
                        ms.forEach(m -> tokens.get(m).add(estimates.inputTokens(m, r.row().messages())));
                    }
                    counts = rows.counts();
                }
                counts.requireRows(source.input);
            }
            long requests = tokens.get(ms.get(0)).size();
            perDay = requestsPerDay != null ? requestsPerDay : requests;
            if (requests > 0) {
                for (String m : ms) {
                    est.add(estimates.estimateTokens(m, tokens.get(m), perDay, outputTokens, BigDecimal.ZERO,
                            BigDecimal.ZERO));
                }
            }
        } catch (EstimateService.NoPrice | BatchInput.InputException e) {
            throw new UsageException(e.getMessage());
        }
        if (json.requested()) {
            JsonObject o = new JsonObject();
            JsonArray a = new JsonArray();
            for (EstimateService.ModelEstimate e : est) {
                JsonObject m = new JsonObject();
                m.addProperty("model", e.model());
                m.add("provider", Json.str(e.provider()));
                m.addProperty("input_tokens", e.inputTokens());
                m.add("tokenizer", Json.str(e.tokenizer()));
                m.addProperty("output_tokens", e.outputTokens());
                m.add("cost_per_request_usd", Json.money(e.perRequestUsd().amount()));
                m.add("cost_per_day_usd", Json.money(e.perDayUsd().amount()));
                m.add("cost_per_month_usd", Json.money(e.perMonthUsd().amount()));
                m.add("cost_per_request_cny", Json.money(e.perRequestCny().amount()));
                m.add("cost_per_day_cny", Json.money(e.perDayCny().amount()));
                m.add("cost_per_month_cny", Json.money(e.perMonthCny().amount()));
                a.add(m);
            }
            o.add("models", a);
            out.println(Json.PRETTY.toJson(o));
        } else if (!est.isEmpty()) {
            String sym = cur.symbol();
            out.printf(Locale.ROOT, "%d request(s) a day, %d output tokens each, a month = 30 days%n", perDay, outputTokens);
            for (EstimateService.ModelEstimate e : est) {
                boolean usd = cur == Currency.USD;
                out.printf(Locale.ROOT, "%-24s %-14s in %6d (%s)  out %6d  %s%s/request  %s%s/day  %s%s/month%n",
                        e.model(), e.provider(), e.inputTokens(), e.tokenizer(), e.outputTokens(),
                        sym, fmt((usd ? e.perRequestUsd() : e.perRequestCny()).amount(), 6),
                        sym, fmt((usd ? e.perDayUsd() : e.perDayCny()).amount(), 4),
                        sym, fmt((usd ? e.perMonthUsd() : e.perMonthCny()).amount(), 2));
            }
        }
        out.flush();
        return counts == null ? ExitCodes.OK : BatchCommand.estimatedCode(counts, err);
    }

    private static String fmt(java.math.BigDecimal v, int scale) {
        return v.setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }

    static List<String> split(String s) {
        return Arrays.asList(s.split(","));
    }
}
