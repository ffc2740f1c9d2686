package dev.llmworkbench.sim;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Time to first token and decode speed per model name, with relative jitter; a {@link FaultSpec}'s
 * {@code ttft-ms}, {@code tps} and {@code jitter} override the table. Unknown models get
 * {@link #DEFAULT}.
 */
final class LatencyModel {
    /** One model's latency: TTFT in ms, tokens per second (0 = unpaced) and relative jitter. */
    record Profile(long ttftMs, double tps, double jitter) {
    }

    static final Profile DEFAULT = new Profile(300, 60, 0.1);

    private static final Map<String, Profile> TABLE = Map.of(
            "qwen3-235b-a22b", new Profile(450, 45, 0.1),
            "qwen3-32b", new Profile(350, 55, 0.1),
            "qwen3-30b-a3b", new Profile(250, 90, 0.1),
            "qwen-max", new Profile(600, 35, 0.1),
            "qwen-plus", new Profile(300, 70, 0.1),
            "qwen-turbo", new Profile(150, 120, 0.1),
            "qwen3-coder-plus", new Profile(400, 60, 0.1),
            "deepseek-v3", new Profile(700, 30, 0.15));

    private LatencyModel() {
    }

    static Profile resolve(String model, FaultSpec faults) {
        Profile base = TABLE.getOrDefault(model == null ? "" : model.toLowerCase(Locale.ROOT), DEFAULT);
        return new Profile(faults.ttftMs().orElse(base.ttftMs()), faults.tps().orElse(base.tps()),
                faults.jitter().orElse(base.jitter()));
    }

    /** {@code nanos} scaled by a random factor in [1 - jitter, 1 + jitter]. */
    static long jittered(long nanos, double jitter, SplittableRandom rnd) {
        if (jitter <= 0 || nanos <= 0) {
            return nanos;
        }
        double f = 1 + jitter * (2 * rnd.nextDouble() - 1);
        return Math.max(0, (long) (nanos * f));
    }
}
