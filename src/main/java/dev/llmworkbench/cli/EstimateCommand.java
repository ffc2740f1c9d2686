package dev.llmworkbench.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.service.batch.BatchInput;
import java.io.PrintWriter;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
                "are still estimated); 2 for wrong usage or nothing usable (bad flags, an empty, missing or",
                "unreadable input)."})
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
        List<List<Message>> requests = new ArrayList<>();
        BatchInput.Parsed parsed = null;
        if (source.prompt != null) {
            requests.add(List.of(Message.user(source.prompt)));
        } else {
            // an empty, missing or unreadable input is wrong usage (2); invalid rows are reported below (1)
            parsed = BatchCommand.readRows(source.input);
            for (BatchInput.Row r : parsed.validRows()) {
                requests.add(r.row().messages());
            }
        }
        List<String> ms = models == null || models.isEmpty() ? List.of(ChatCommand.DEFAULT_MODEL)
                : models.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        long perDay = requestsPerDay != null ? requestsPerDay : requests.size();
        List<EstimateService.ModelEstimate> est;
        try (CliServices services = new CliServices()) {
            if (requests.isEmpty()) {
                // every row is invalid: nothing is left to estimate, but an unknown model is still wrong usage
                for (String m : ms) {
                    services.estimates().estimateTokens(m, List.of(0L), 1, outputTokens, java.math.BigDecimal.ZERO,
                            java.math.BigDecimal.ZERO);
                }
                est = List.of();
            } else {
                est = services.estimates().estimate(requests, ms, perDay, outputTokens);
            }
        } catch (EstimateService.NoPrice e) {
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
                out.printf(Locale.ROOT, "%-24s %-14s in %6d  out %6d  %s%s/request  %s%s/day  %s%s/month%n", e.model(),
                        e.provider(), e.inputTokens(), e.outputTokens(),
                        sym, fmt((usd ? e.perRequestUsd() : e.perRequestCny()).amount(), 6),
                        sym, fmt((usd ? e.perDayUsd() : e.perDayCny()).amount(), 4),
                        sym, fmt((usd ? e.perMonthUsd() : e.perMonthCny()).amount(), 2));
            }
        }
        out.flush();
        return parsed == null ? ExitCodes.OK : BatchCommand.invalidRows(parsed, err);
    }

    private static String fmt(java.math.BigDecimal v, int scale) {
        return v.setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }

    static List<String> split(String s) {
        return Arrays.asList(s.split(","));
    }
}
