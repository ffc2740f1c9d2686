package dev.llmworkbench.metrics;

/**
 * Service-level objectives in milliseconds; a null limit is not checked. A request meets the SLO when it
 * did not fail and every given limit holds: TTFT and end-to-end must be measured and within their limits;
 * a null TPOT (fewer than two output tokens, nothing to decode) meets a TPOT limit.
 */
public record Slo(Double maxTtftMs, Double maxTpotMs, Double maxE2eMs) {
    public static final Slo NONE = new Slo(null, null, null);

    public boolean isMetBy(RequestSample s) {
        if (s.error()) {
            return false;
        }
        if (maxTtftMs != null && (s.ttftMs() == null || s.ttftMs() > maxTtftMs)) {
            return false;
        }
        if (maxTpotMs != null && s.tpotMs() != null && s.tpotMs() > maxTpotMs) {
            return false;
        }
        return maxE2eMs == null || (s.e2eMs() != null && s.e2eMs() <= maxE2eMs);
    }
}
