package dev.llmworkbench.service.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two stored benchmark runs side by side: for each load both ran (the same concurrency or rate), the main figures
 * of A and B, their difference (B − A) and ratio (B ÷ A); loads only one of them ran are listed apart. A load
 * that a run measured more than once is matched by its turn ({@code concurrency=8 #2}).
 */
public record BenchCompare(long runA, long runB, List<LevelDiff> levels, List<String> onlyInA, List<String> onlyInB) {
    /** The figures compared, as {@code field} or {@code field.percentile} of a level's JSON. */
    public static final List<String> METRICS = List.of("requests", "errors", "request_rate", "output_tokens_per_s",
            "goodput", "ttft_ms.p50", "ttft_ms.p99", "ttfo_ms.p50", "tpot_ms.p50", "tpot_ms.p99", "itl_ms.p50",
            "itl_ms.p99", "e2e_ms.p50", "e2e_ms.p99", "chunks_per_token");

    /** One figure of both runs; null where a run has none. */
    public record Row(String metric, Double a, Double b, Double diff, Double ratio) {
    }

    /** One load both runs measured. */
    public record LevelDiff(String key, Number value, String label, List<Row> rows) {
    }

    /**
     * Compares the stored summaries of runs {@code a} and {@code b}.
     *
     * @throws IllegalArgumentException when a summary is not a benchmark's ({@code levels} missing)
     */
    public static BenchCompare of(long a, String summaryA, long b, String summaryB) {
        Map<String, JsonObject> la = levels(a, summaryA);
        Map<String, JsonObject> lb = levels(b, summaryB);
        List<LevelDiff> out = new ArrayList<>();
        List<String> onlyA = new ArrayList<>();
        for (var e : la.entrySet()) {
            JsonObject x = e.getValue();
            JsonObject y = lb.get(e.getKey());
            if (y == null) {
                onlyA.add(e.getKey());
                continue;
            }
            List<Row> rows = new ArrayList<>();
            for (String m : METRICS) {
                Double va = figure(x, m);
                Double vb = figure(y, m);
                rows.add(new Row(m, va, vb, va == null || vb == null ? null : vb - va,
                        va == null || vb == null || va == 0 ? null : vb / va));
            }
            String k = x.has("rate") ? "rate" : "concurrency";
            out.add(new LevelDiff(k, x.get(k).getAsNumber(), e.getKey(), rows));
        }
        List<String> onlyB = lb.keySet().stream().filter(k -> !la.containsKey(k)).toList();
        return new BenchCompare(a, b, out, onlyA, onlyB);
    }

    private static Map<String, JsonObject> levels(long run, String summary) {
        JsonObject o;
        try {
            JsonElement e = summary == null ? null : JsonParser.parseString(summary);
            o = e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            o = null;
        }
        if (o == null || !o.has("levels") || !o.get("levels").isJsonArray()) {
            throw new IllegalArgumentException("run " + run + " has no benchmark summary (is it a bench run that"
                    + " finished?)");
        }
        Map<String, JsonObject> out = new LinkedHashMap<>();
        for (JsonElement e : o.getAsJsonArray("levels")) {
            JsonObject l = e.getAsJsonObject();
            String label = l.has("rate") ? "rate=" + l.get("rate").getAsString()
                    : "concurrency=" + (l.has("concurrency") ? l.get("concurrency").getAsString() : "?");
            // a load run again (8,8,8) is matched by its turn: the second 8 of A with the second 8 of B
            String key = label;
            for (int turn = 2; out.containsKey(key); turn++) {
                key = label + " #" + turn;
            }
            out.put(key, l);
        }
        return out;
    }

    private static Double figure(JsonObject level, String metric) {
        String[] p = metric.split("\\.", 2);
        JsonElement v = level.get(p[0]);
        if (p.length == 2) {
            v = v != null && v.isJsonObject() ? v.getAsJsonObject().get(p[1]) : null;
        }
        return v == null || v.isJsonNull() || !v.isJsonPrimitive() ? null : v.getAsDouble();
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("run_a", runA);
        o.addProperty("run_b", runB);
        JsonArray ls = new JsonArray();
        for (LevelDiff d : levels) {
            JsonObject l = new JsonObject();
            l.addProperty(d.key(), d.value());
            JsonObject ms = new JsonObject();
            for (Row r : d.rows()) {
                JsonObject m = new JsonObject();
                m.add("a", Stats.num(r.a()));
                m.add("b", Stats.num(r.b()));
                m.add("diff", Stats.num(r.diff()));
                m.add("ratio", Stats.num(r.ratio()));
                ms.add(r.metric(), m);
            }
            l.add("metrics", ms);
            ls.add(l);
        }
        o.add("levels", ls);
        JsonArray a = new JsonArray();
        onlyInA.forEach(a::add);
        o.add("only_in_a", a);
        JsonArray b = new JsonArray();
        onlyInB.forEach(b::add);
        o.add("only_in_b", b);
        return o;
    }
}
