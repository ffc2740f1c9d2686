package dev.llmworkbench.service.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a benchmark measured: its levels in the order they ran (for a capacity search, the curve that led to the
 * answer), the search's answer when there was one, and every measured request (for {@code --export}).
 */
public record BenchResult(List<LevelResult> levels, Search search, List<List<RequestResult>> requests) {
    public BenchResult {
        levels = List.copyOf(levels);
        requests = requests.stream().map(List::copyOf).toList();
    }

    /** A level's load: a concurrency (closed loop) or a rate in requests/s (open loop). */
    public record Load(boolean rate, double value) {
        public static Load concurrency(int c) {
            return new Load(false, c);
        }

        public static Load rate(double r) {
            return new Load(true, r);
        }

        /** {@code concurrency} or {@code rate}. */
        public String key() {
            return rate ? "rate" : "concurrency";
        }

        /** The value as JSON gives it: a whole number for a concurrency. */
        public Number jsonValue() {
            return rate ? (Number) value : (Number) (int) value;
        }

        /** {@code c=8} or {@code 20/s}. */
        public String label() {
            if (!rate) {
                return "c=" + (int) value;
            }
            return (value == Math.rint(value) ? Long.toString((long) value)
                    : String.format(java.util.Locale.ROOT, "%.3g", value)) + "/s";
        }
    }

    /**
     * A capacity search's answer: the highest load ({@code max}, null when even the first did not meet the SLOs)
     * whose goodput reached {@code goodputMin}, the steps it took (each one a level of {@link #levels}), and
     * whether it stopped on its bound of steps before the search had narrowed to one step of load
     * ({@code bounded}).
     */
    public record Search(BenchPlan.FindMax by, Double sloTtftMs, Double sloTpotMs, Double sloE2eMs, double goodputMin,
                         Double max, Double firstMiss, int steps, boolean bounded) {
        public JsonObject toJson(List<LevelResult> levels) {
            JsonObject o = new JsonObject();
            o.addProperty("by", by.wireName());
            JsonObject slo = new JsonObject();
            slo.add("ttft_ms", Stats.num(sloTtftMs));
            slo.add("tpot_ms", Stats.num(sloTpotMs));
            slo.add("e2e_ms", Stats.num(sloE2eMs));
            o.add("slo", slo);
            o.add("goodput_min", Stats.num(goodputMin));
            o.add("max", max == null ? com.google.gson.JsonNull.INSTANCE
                    : by == BenchPlan.FindMax.CONCURRENCY ? new com.google.gson.JsonPrimitive(max.intValue())
                    : Stats.num(max));
            o.add("first_miss", firstMiss == null ? com.google.gson.JsonNull.INSTANCE
                    : by == BenchPlan.FindMax.CONCURRENCY ? new com.google.gson.JsonPrimitive(firstMiss.intValue())
                    : Stats.num(firstMiss));
            o.addProperty("steps", steps);
            o.addProperty("bounded", bounded);
            JsonArray curve = new JsonArray();
            for (LevelResult l : levels) {
                JsonObject p = new JsonObject();
                p.addProperty(l.load().key(), l.load().jsonValue());
                p.add("goodput", Stats.num(l.goodput()));
                p.addProperty("meets", l.meets(goodputMin));
                curve.add(p);
            }
            o.add("curve", curve);
            return o;
        }
    }

    /** The summary: {@code levels[]}, and {@code find_max} after a capacity search. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        JsonArray a = new JsonArray();
        levels.forEach(l -> a.add(l.toJson()));
        o.add("levels", a);
        if (search != null) {
            o.add("find_max", search.toJson(levels));
        }
        return o;
    }

    /** Whether no request failed. */
    public boolean ok() {
        return levels.stream().allMatch(l -> l.errors() == 0);
    }

    /** Writes one JSON line per measured request (every timing and the send schedule); returns the count. */
    public int export(Path file) throws IOException {
        int n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < levels.size(); i++) {
                Load load = levels.get(i).load();
                for (RequestResult r : requests.get(i)) {
                    w.write(Stats.GSON.toJson(r.toJson(load)));
                    w.write('\n');
                    n++;
                }
            }
        }
        return n;
    }
}
