package dev.llmworkbench.sim;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to start a {@link Simulator}.
 *
 * @param host       the address to bind, normally {@code 127.0.0.1}
 * @param port       the port, 0 for a free one
 * @param faults     the server-wide latency overrides and faults ({@code X-Sim-Faults} is merged over them)
 * @param models     the models served and listed by {@code /v1/models}, the first being the default; empty gives
 *                   {@link #BUILT_IN_MODELS}. Any other model name gets 404 {@code model_not_found}, as from a real
 *                   server.
 * @param randomSeed seeds the fault dice and the latency jitter (the text depends only on the model, the prompt and
 *                   the request's {@code seed})
 * @param limits     body limit, header and body timeouts, handlers at once ({@link ServerLimits#defaults()} when null)
 * @param dialect    answer as a server of this dialect would ({@link SimDialects}), or null for DashScope's ways
 */
public record SimConfig(String host, int port, FaultSpec faults, List<String> models, long randomSeed,
                        ServerLimits limits, dev.llmworkbench.domain.Dialect dialect) {
    public SimConfig(String host, int port, FaultSpec faults, List<String> models, long randomSeed,
                     ServerLimits limits) {
        this(host, port, faults, models, randomSeed, limits, null);
    }

    /** The models served when none are configured, {@code qwen3-235b-a22b} first. */
    public static final List<String> BUILT_IN_MODELS = List.of("qwen3-235b-a22b", "qwen3-32b", "qwen3-30b-a3b",
            "qwen-max", "qwen-plus", "qwen-turbo", "qwen3-coder-plus", "deepseek-v3");

    public SimConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        faults = faults == null ? FaultSpec.NONE : faults;
        models = models == null || models.isEmpty() ? BUILT_IN_MODELS : List.copyOf(models);
        limits = limits == null ? ServerLimits.defaults() : limits;
    }

    /** Loopback, a free port, no faults, the built-in models, seed 42, the default {@link ServerLimits}. */
    public static SimConfig defaults() {
        return new SimConfig("127.0.0.1", 0, FaultSpec.NONE, List.of(), 42L, null);
    }

    public SimConfig withHost(String h) {
        return new SimConfig(h, port, faults, models, randomSeed, limits, dialect);
    }

    public SimConfig withPort(int p) {
        return new SimConfig(host, p, faults, models, randomSeed, limits, dialect);
    }

    public SimConfig withFaults(FaultSpec f) {
        return new SimConfig(host, port, f, models, randomSeed, limits, dialect);
    }

    public SimConfig withModels(List<String> m) {
        return new SimConfig(host, port, faults, m, randomSeed, limits, dialect);
    }

    /** These models served too, after the configured ones (names already served are not repeated). */
    public SimConfig withMoreModels(java.util.Collection<String> more) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(models);
        all.addAll(more);
        return withModels(List.copyOf(all));
    }

    public SimConfig withRandomSeed(long s) {
        return new SimConfig(host, port, faults, models, s, limits, dialect);
    }

    public SimConfig withLimits(ServerLimits l) {
        return new SimConfig(host, port, faults, models, randomSeed, l, dialect);
    }

    /** As {@link ServerLimits#withMaxBodyBytes(long)}. */
    public SimConfig withMaxBodyBytes(long n) {
        return withLimits(limits.withMaxBodyBytes(n));
    }

    /** As {@link ServerLimits#withTimeouts(Duration)}: the header and the body timeout. */
    public SimConfig withTimeouts(Duration t) {
        return withLimits(limits.withTimeouts(t));
    }

    /** As {@link ServerLimits#withMaxHandlers(int)}. */
    public SimConfig withMaxHandlers(int n) {
        return withLimits(limits.withMaxHandlers(n));
    }

    /** Answers as a server of this dialect would (null: DashScope's ways). */
    public SimConfig withDialect(dev.llmworkbench.domain.Dialect d) {
        return new SimConfig(host, port, faults, models, randomSeed, limits, d);
    }

    /** The default model: the first configured. */
    public String defaultModel() {
        return models.get(0);
    }
}
