package dev.llmworkbench.cli;

import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.batch.BatchTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --base-url URL}, {@code --api-key-env NAME}, {@code --profile NAME}, {@code --header K=V}...,
 * {@code --dialect D} and {@code --no-stream}: the provider a command talks to and how. The base URL is checked
 * once, while parsing ({@link Converters.BaseUrlConverter}); the profile and key are resolved by
 * {@link CliServices#provider}, then the headers given here are added to the profile's and the dialect given
 * here replaces its. A command may word the descriptions its own way with the keys {@code base-url},
 * {@code api-key-env}, {@code profile}, {@code header}, {@code dialect} and {@code no-stream} in its resource
 * bundle ({@link OptionTexts}).
 */
public final class ProviderOptions {
    @Option(names = "--base-url", paramLabel = "URL", descriptionKey = "base-url",
            converter = Converters.BaseUrlConverter.class,
            description = "OpenAI-compatible base URL; default: the embedded simulator")
    String baseUrl;

    @Option(names = "--api-key-env", paramLabel = "NAME", descriptionKey = "api-key-env",
            description = "environment variable holding the API key")
    String apiKeyEnv;

    @Option(names = "--profile", paramLabel = "NAME", descriptionKey = "profile",
            description = "a saved provider profile (base URL, headers, body, key)")
    String profile;

    @Option(names = "--header", paramLabel = "K=V", descriptionKey = "header",
            description = "an HTTP header sent with every request (repeatable; added to the profile's)")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--dialect", paramLabel = "D", descriptionKey = "dialect",
            converter = Converters.DialectConverter.class,
            description = "how the server spells the thinking switch: dashscope, vllm, sglang, llamacpp, ollama, "
                    + "openrouter, deepseek, openai, lmstudio or generic; default: the profile's, else guessed "
                    + "from the base URL (generic when unknown)")
    Dialect dialect;

    @Option(names = "--no-stream", descriptionKey = "no-stream",
            description = "ask for one whole JSON answer instead of a stream (timings are then end-to-end only)")
    boolean noStream;

    /** The base URL given (already checked), or null for the profile's or the embedded simulator. */
    String baseUrl() {
        return baseUrl;
    }

    /** The environment variable named with {@code --api-key-env}, or null when none was named. */
    String apiKeyEnv() {
        return apiKeyEnv;
    }

    /** The saved profile's name, or null. */
    String profile() {
        return profile;
    }

    /** Whether to ask for a stream (false with {@code --no-stream}). */
    boolean stream() {
        return !noStream;
    }

    /** The provider and key these options name (the profile read from {@code db}), with the headers and dialect. */
    CliServices.Provider resolve(CliServices services, String db) {
        CliServices.Provider p = services.provider(profile, baseUrl, apiKeyEnv, db);
        return new CliServices.Provider(apply(p.profile()), p.key());
    }

    /** A batch's target with the headers and dialect given here; {@code --no-stream} turns its streaming off. */
    BatchTarget apply(BatchTarget t) {
        return new BatchTarget(apply(t.profile()), t.key(), t.timeouts(), t.stream() && stream());
    }

    private ProviderProfile apply(ProviderProfile p) {
        for (String name : headers.keySet()) {
            if (name == null || name.isBlank()) {
                throw new UsageException("--header: expected NAME=VALUE, the name is empty");
            }
        }
        ProviderProfile out = p.withHeaders(headers);
        return dialect == null ? out : out.withDialect(dialect);
    }
}
