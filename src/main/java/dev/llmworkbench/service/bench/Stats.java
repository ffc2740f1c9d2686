package dev.llmworkbench.service.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.llmworkbench.metrics.Percentiles;
import java.math.BigDecimal;
import java.util.Collection;

/**
 * p50, p90, p95, p99, mean, min and max of one measurement in ms (percentiles by {@link Percentiles}: linear
 * interpolation between closest ranks); NaN throughout when {@code count} is 0.
 */
public record Stats(int count, double p50, double p90, double p95, double p99, double mean, double min, double max) {
    /** Compact Gson, nulls kept: the export's lines. */
    static final com.google.gson.Gson GSON = new com.google.gson.GsonBuilder().serializeNulls().create();

    public static Stats of(Collection<? extends Number> values) {
        Percentiles p = Percentiles.of(values);
        return new Stats(p.count(), p.p50(), p.percentile(90), p.p95(), p.p99(), p.mean(), p.min(), p.max());
    }

    public static Stats of(double... values) {
        Percentiles p = Percentiles.of(values);
        return new Stats(p.count(), p.p50(), p.percentile(90), p.p95(), p.p99(), p.mean(), p.min(), p.max());
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** {@code {"p50", "p90", "p95", "p99", "mean", "min", "max"}}, null figures when empty. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.add("p50", num(p50));
        o.add("p90", num(p90));
        o.add("p95", num(p95));
        o.add("p99", num(p99));
        o.add("mean", num(mean));
        o.add("min", num(min));
        o.add("max", num(max));
        return o;
    }

    /** A figure rounded to 3 decimals, as every figure of a benchmark's JSON; null for none. */
    static JsonElement num(Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) {
            return JsonNull.INSTANCE;
        }
        return new JsonPrimitive(BigDecimal.valueOf(Math.round(d * 1000.0) / 1000.0));
    }
}
