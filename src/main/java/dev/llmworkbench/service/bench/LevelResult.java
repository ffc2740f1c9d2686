package dev.llmworkbench.service.bench;

import com.google.gson.JsonObject;
import dev.llmworkbench.metrics.RequestSample;
import dev.llmworkbench.metrics.Slo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one level, each computed once here and printed as is by the text and the JSON output (names as
 * ARCHITECTURE.md gives them):
 * <ul>
 *   <li>{@code durationS}: the first measured send → the last answer (warm-up excluded);</li>
 *   <li>{@code offeredRate}: the rate asked for (open loop; null in a closed loop); {@code requestRate}: achieved,
 *       requests ÷ (last send − first send);</li>
 *   <li>{@code outputTokensPerS}: output tokens ÷ duration; {@code goodput}: the share of requests meeting every
 *       SLO given (errors are misses);</li>
 *   <li>TTFT, TTFO, TPOT, ITL (the chunk gaps of every request pooled) and end-to-end of the requests that
 *       succeeded; {@code chunksPerToken}: chunks ÷ output tokens; {@code tokensSource}: {@code usage} when
 *       every answer's count came from usage, else {@code estimated};</li>
 *   <li>{@code errorsByKind}: per kind the count and the first message;</li>
 *   <li>open loop only: the send lag (sent − scheduled), TTFT and end-to-end counted from the scheduled send, the
 *       median lag of the first and the last quarter of the sends and whether it grew ({@code fallingBehind}).</li>
 * </ul>
 */
public record LevelResult(BenchResult.Load load, int warmup, int requests, int errors, Double durationS,
                          Double offeredRate, Double requestRate, long outputTokens, Double outputTokensPerS,
                          Double goodput, Stats ttft, Stats ttfo, Stats tpot, Stats itl, Stats e2e,
                          Double chunksPerToken, String tokensSource, Map<String, ErrorKind> errorsByKind,
                          Stats sendLag, Stats ttftFromSchedule, Stats e2eFromSchedule, Double lagFirstQuarterMs,
                          Double lagLastQuarterMs, boolean fallingBehind) {
    /** Lag growth (last quarter's median − first quarter's) above which a level is said to fall behind. */
    public static final double FALLING_BEHIND_MS = 50;

    /** Errors of one kind: how many, and the first one's message. */
    public record ErrorKind(int count, String firstMessage) {
    }

    public LevelResult {
        errorsByKind = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errorsByKind));
    }

    static LevelResult of(BenchResult.Load load, int warmup, List<RequestResult> results, Slo slo) {
        List<RequestResult> rs = new ArrayList<>(results);
        rs.sort(Comparator.comparingDouble(RequestResult::scheduledMs).thenComparingInt(RequestResult::index));
        int n = rs.size();
        int errors = 0;
        double firstSend = Double.POSITIVE_INFINITY;
        double lastSend = Double.NEGATIVE_INFINITY;
        double lastDone = Double.NEGATIVE_INFINITY;
        long tokens = 0;
        long chunks = 0;
        long chunkTokens = 0;
        boolean estimated = false;
        boolean anyTokens = false;
        int good = 0;
        List<Double> ttft = new ArrayList<>();
        List<Double> ttfo = new ArrayList<>();
        List<Double> tpot = new ArrayList<>();
        List<Double> e2e = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        List<Double> lag = new ArrayList<>();
        List<Double> ttftSched = new ArrayList<>();
        List<Double> e2eSched = new ArrayList<>();
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        Slo s = slo == null ? Slo.NONE : slo;
        for (RequestResult r : rs) {
            firstSend = Math.min(firstSend, r.sentMs());
            lastSend = Math.max(lastSend, r.sentMs());
            lastDone = Math.max(lastDone, r.doneMs());
            lag.add(r.sendLagMs());
            if (s.isMetBy(new RequestSample("", r.ttftMs(), r.ttfoMs(), r.tpotMs(), r.e2eMs(), r.outputTokens(),
                    !r.ok(), 0))) {
                good++;
            }
            if (!r.ok()) {
                errors++;
                counts.computeIfAbsent(r.errorKind(), k -> new int[1])[0]++;
                first.putIfAbsent(r.errorKind(), r.errorMessage());
                continue;
            }
            add(ttft, r.ttftMs());
            add(ttfo, r.ttfoMs());
            add(tpot, r.tpotMs());
            add(e2e, r.e2eMs());
            itl.addAll(r.chunkGapsMs());
            if (r.ttftMs() != null) {
                ttftSched.add(r.ttftMs() + r.sendLagMs());
            }
            if (r.e2eMs() != null) {
                e2eSched.add(r.e2eMs() + r.sendLagMs());
            }
            if (r.outputTokens() != null) {
                anyTokens = true;
                tokens += r.outputTokens();
                estimated |= !r.tokensFromUsage();
                if (r.chunks() > 0) {
                    chunks += r.chunks();
                    chunkTokens += r.outputTokens();
                }
            }
        }
        Map<String, ErrorKind> byKind = new LinkedHashMap<>();
        counts.forEach((k, c) -> byKind.put(k, new ErrorKind(c[0], first.get(k))));
        Double duration = n == 0 || !(lastDone > firstSend) ? null : (lastDone - firstSend) / 1000.0;
        Double requestRate = n < 2 || !(lastSend > firstSend) ? null : n / ((lastSend - firstSend) / 1000.0);
        boolean open = load.rate();
        Double lagFirst = null;
        Double lagLast = null;
        boolean behind = false;
        if (open && n >= 4) {
            int q = n / 4;
            // medians: a lone stall of the machine is not a trend
            lagFirst = Stats.of(lag.subList(0, q)).p50();
            lagLast = Stats.of(lag.subList(n - q, n)).p50();
            behind = lagLast - lagFirst > FALLING_BEHIND_MS;
        }
        return new LevelResult(load, warmup, n, errors, duration, open ? load.value() : null, requestRate, tokens,
                duration == null || !anyTokens ? null : tokens / duration, n == 0 ? null : (double) good / n,
                Stats.of(ttft), Stats.of(ttfo), Stats.of(tpot), Stats.of(itl), Stats.of(e2e),
                chunkTokens == 0 ? null : (double) chunks / chunkTokens,
                anyTokens ? (estimated ? "estimated" : "usage") : null, byKind,
                open ? Stats.of(lag) : null, open ? Stats.of(ttftSched) : null, open ? Stats.of(e2eSched) : null,
                lagFirst, lagLast, behind);
    }

    private static void add(List<Double> to, Double v) {
        if (v != null) {
            to.add(v);
        }
    }

    /** Whether this level meets the SLOs: its goodput is at least {@code goodputMin}. */
    public boolean meets(double goodputMin) {
        return goodput != null && goodput >= goodputMin - 1e-9;
    }

    /**
     * The level as the summary's JSON gives it: {@code concurrency} or {@code rate}, {@code requests},
     * {@code errors}, {@code duration_s}, {@code offered_rate}, {@code request_rate}, {@code output_tokens_per_s},
     * {@code goodput}, {@code ttft_ms}, {@code ttfo_ms}, {@code tpot_ms}, {@code itl_ms}, {@code e2e_ms},
     * {@code chunks_per_token}, {@code tokens_source}, {@code errors_by_kind}; then {@code warmup},
     * {@code output_tokens}, and for a rate the schedule's figures ({@code send_lag_ms},
     * {@code ttft_from_schedule_ms}, {@code e2e_from_schedule_ms}, {@code falling_behind}).
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty(load.key(), load.jsonValue());
        o.addProperty("requests", requests);
        o.addProperty("errors", errors);
        o.add("duration_s", Stats.num(durationS));
        o.add("offered_rate", Stats.num(offeredRate));
        o.add("request_rate", Stats.num(requestRate));
        o.add("output_tokens_per_s", Stats.num(outputTokensPerS));
        o.add("goodput", Stats.num(goodput));
        o.add("ttft_ms", ttft.toJson());
        o.add("ttfo_ms", ttfo.toJson());
        o.add("tpot_ms", tpot.toJson());
        o.add("itl_ms", itl.toJson());
        o.add("e2e_ms", e2e.toJson());
        o.add("chunks_per_token", Stats.num(chunksPerToken));
        o.addProperty("tokens_source", tokensSource);
        JsonObject errs = new JsonObject();
        errorsByKind.forEach((k, e) -> {
            JsonObject one = new JsonObject();
            one.addProperty("count", e.count());
            one.addProperty("first_message", e.firstMessage());
            errs.add(k, one);
        });
        o.add("errors_by_kind", errs);
        o.addProperty("warmup", warmup);
        o.addProperty("output_tokens", outputTokens);
        if (load.rate()) {
            o.add("send_lag_ms", sendLag.toJson());
            o.add("ttft_from_schedule_ms", ttftFromSchedule.toJson());
            o.add("e2e_from_schedule_ms", e2eFromSchedule.toJson());
            o.add("send_lag_first_quarter_ms", Stats.num(lagFirstQuarterMs));
            o.add("send_lag_last_quarter_ms", Stats.num(lagLastQuarterMs));
            o.addProperty("falling_behind", fallingBehind);
        }
        return o;
    }
}
