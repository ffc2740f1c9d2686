package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.service.estimate.QuoteService;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code price}: the exact cost of a request of given token counts. */
@Command(name = "price", mixinStandardHelpOptions = true,
        description = "Compute what a request costs from its token counts (no request is sent).")
public class PriceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "M", description = "model or alias")
    String model;

    @Option(names = "--provider", paramLabel = "P", description = "price list (default: the model's first catalogue entry)")
    String provider;

    @Option(names = "--input-tokens", required = true, paramLabel = "N", description = "prompt tokens")
    long inputTokens;

    @Option(names = "--output-tokens", required = true, paramLabel = "K", description = "completion tokens (reasoning included)")
    long outputTokens;

    @Option(names = "--reasoning-tokens", paramLabel = "R", defaultValue = "0", description = "the part of K that was reasoning")
    long reasoningTokens;

    @Option(names = "--cached-tokens", paramLabel = "C", defaultValue = "0", description = "the part of N read from the cache")
    long cachedTokens;

    @Option(names = "--batch", description = "at the batch price (the catalogue's batch_discount, as a provider "
            + "batch job is billed)")
    boolean batch;

    @Mixin
    CurrencyOption currency;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Currency cur = currency.currency();
        if (inputTokens < 0 || outputTokens < 0 || reasoningTokens < 0 || cachedTokens < 0) {
            throw new UsageException("token counts must not be negative");
        }
        if (reasoningTokens > outputTokens) {
            throw new UsageException("--reasoning-tokens (" + reasoningTokens + ") is part of --output-tokens ("
                    + outputTokens + ") and cannot exceed it");
        }
        if (cachedTokens > inputTokens) {
            throw new UsageException("--cached-tokens (" + cachedTokens + ") is part of --input-tokens ("
                    + inputTokens + ") and cannot exceed it");
        }
        if (inputTokens > Integer.MAX_VALUE || outputTokens > Integer.MAX_VALUE) {
            throw new UsageException("token counts above " + Integer.MAX_VALUE + " are not supported");
        }
        QuoteService.Quote r;
        try {
            r = CliServices.quotes().price(provider, model, inputTokens, outputTokens, reasoningTokens, cachedTokens,
                    batch);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.requested()) {
            out.println(Json.print(toJson(r)));
        } else {
            Money total = r.total(cur);
            out.printf("%s at %s (prices of %s%s)%s%s%n", r.model(), r.provider(), r.priceDate(),
                    r.verified() ? "" : ", unverified", provider == null ? " — the model's first catalogue entry" : "",
                    !batch ? "" : r.batchDiscountApplied() ? ", batch price" : ", no batch price: the live price");
            out.printf("  input          %s%n", r.inputUsd().format());
            out.printf("  cached input   %s%n", r.cachedInputUsd().format());
            out.printf("  output         %s%n", r.outputUsd().format());
            out.printf("  reasoning      %s%n", r.reasoningUsd().format());
            out.printf("  total          %s  (%s; ¥%s per $1)%n", total.format(),
                    cur == Currency.USD ? r.totalCny().format() : r.totalUsd().format(),
                    r.exchangeRate().stripTrailingZeros().toPlainString());
        }
        out.flush();
        return ExitCodes.OK;
    }

    static JsonObject toJson(QuoteService.Quote r) {
        JsonObject j = new JsonObject();
        j.addProperty("model", r.model());
        j.addProperty("provider", r.provider());
        j.addProperty("price_date", r.priceDate() == null ? null : r.priceDate().toString());
        j.add("cost_usd", Json.money(r.totalUsd().amount()));
        j.add("cost_cny", Json.money(r.totalCny().amount()));
        JsonObject b = new JsonObject();
        b.add("input_usd", Json.money(r.inputUsd().amount()));
        b.add("cached_input_usd", Json.money(r.cachedInputUsd().amount()));
        b.add("output_usd", Json.money(r.outputUsd().amount()));
        b.add("reasoning_usd", Json.money(r.reasoningUsd().amount()));
        j.add("breakdown", b);
        j.add("exchange_rate", Json.money(r.exchangeRate()));
        if (r.batch()) {
            j.addProperty("batch", true);
            j.addProperty("batch_discount_applied", r.batchDiscountApplied());
        }
        return j;
    }

}
