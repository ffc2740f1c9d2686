package dev.llmworkbench.service.batch;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.llmworkbench.metrics.Percentiles;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * The summary of a batch job, as {@code --summary-json} writes it. Rates are shares in [0, 1]:
 * {@code successRate} = succeeded / valid rows, {@code passRate} = passed / checked answers (null when no
 * answer was checked). Latency is the end-to-end time of the done items, TTFT likewise; {@code totalMs} is
 * their time from first send to final answer, the limiter's queue and every retry included. {@code count429}
 * counts the attempts answered 429, {@code retries} the attempts after each row's first, {@code cuts} the
 * attempts whose stream was cut after part of an answer; {@code limiter} is the state of the run's limiter
 * at its end (null when not known, e.g. a summary read back from the store).
 */
public record BatchSummary(int total, int succeeded, int failed, int notRun, int invalid, Double successRate,
                           Double passRate, BigDecimal costUsdTotal, BigDecimal costUsdMean, long promptTokens,
                           long completionTokens, Percentiles latencyMs, Percentiles ttftMs, Double outputTokensPerS,
                           double wallS, Percentiles totalMs, int count429, int retries, int cuts, JsonObject limiter) {

    /** The same summary with the limiter's state at the end of the run. */
    public BatchSummary withLimiter(JsonObject l) {
        return new BatchSummary(total, succeeded, failed, notRun, invalid, successRate, passRate, costUsdTotal,
                costUsdMean, promptTokens, completionTokens, latencyMs, ttftMs, outputTokensPerS, wallS, totalMs,
                count429, retries, cuts, l);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("total", total);
        o.addProperty("succeeded", succeeded);
        o.addProperty("failed", failed);
        o.addProperty("not_run", notRun);
        o.addProperty("invalid", invalid);
        o.add("success_rate", num(successRate));
        o.add("pass_rate", num(passRate));
        o.add("cost_usd_total", money(costUsdTotal));
        o.add("cost_usd_mean", money(costUsdMean));
        o.addProperty("prompt_tokens", promptTokens);
        o.addProperty("completion_tokens", completionTokens);
        o.add("latency_ms", pcts(latencyMs));
        o.add("ttft_ms", pcts(ttftMs));
        o.add("total_ms", pcts(totalMs));
        o.addProperty("count_429", count429);
        o.addProperty("retries", retries);
        o.addProperty("cuts", cuts);
        o.add("limiter", limiter == null ? JsonNull.INSTANCE : limiter);
        o.add("output_tokens_per_s", num(outputTokensPerS));
        o.add("wall_s", num(wallS));
        return o;
    }

    public String toJsonText() {
        return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(toJson());
    }

    /** Readable lines for a terminal. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "items: %d total, %d succeeded, %d failed, %d not run, %d invalid%n",
                total, succeeded, failed, notRun, invalid));
        sb.append("success rate: ").append(pct(successRate));
        sb.append(", pass rate: ").append(passRate == null ? "no checks" : pct(passRate)).append(System.lineSeparator());
        sb.append("cost: $").append(costUsdTotal == null ? "0" : costUsdTotal.round(new MathContext(6)).toPlainString())
                .append(" total, $").append(costUsdMean == null ? "-" : costUsdMean.round(new MathContext(6)).toPlainString())
                .append(" per request").append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "tokens: %d prompt, %d completion%n", promptTokens, completionTokens));
        sb.append(String.format(Locale.ROOT, "latency ms: p50 %s, p95 %s, p99 %s%n", ms(latencyMs.p50()),
                ms(latencyMs.p95()), ms(latencyMs.p99())));
        sb.append(String.format(Locale.ROOT, "ttft ms: p50 %s, p95 %s, p99 %s%n", ms(ttftMs.p50()), ms(ttftMs.p95()),
                ms(ttftMs.p99())));
        sb.append(String.format(Locale.ROOT, "total ms (queue and retries included): p50 %s, p95 %s, p99 %s%n",
                ms(totalMs.p50()), ms(totalMs.p95()), ms(totalMs.p99())));
        sb.append(String.format(Locale.ROOT, "retries: %d (%d answered 429, %d cut streams)%n", retries, count429, cuts));
        if (limiter != null && limiter.has("state")) {
            sb.append("limiter: ").append(limiter.get("state").getAsString()).append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT, "throughput: %s output tokens/s, wall %.1f s",
                outputTokensPerS == null ? "-" : String.format(Locale.ROOT, "%.1f", outputTokensPerS), wallS));
        return sb.toString();
    }

    private static String pct(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f%%", d * 100);
    }

    private static String ms(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }

    private static JsonObject pcts(Percentiles p) {
        JsonObject o = new JsonObject();
        o.add("p50", num(p.p50()));
        o.add("p95", num(p.p95()));
        o.add("p99", num(p.p99()));
        return o;
    }

    static JsonElement num(Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) {
            return JsonNull.INSTANCE;
        }
        return new JsonPrimitive(BigDecimal.valueOf(Math.round(d * 1000.0) / 1000.0));
    }

    static JsonElement money(BigDecimal v) {
        return v == null ? JsonNull.INSTANCE : new JsonPrimitive(v.stripTrailingZeros().scale() < 0
                ? v.setScale(0) : v.stripTrailingZeros());
    }
}
