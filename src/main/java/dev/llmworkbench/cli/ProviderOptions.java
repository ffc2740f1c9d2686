package dev.llmworkbench.cli;

import picocli.CommandLine.Option;

/**
 * {@code --base-url URL}, {@code --api-key-env NAME} and {@code --profile NAME}: the provider a command talks to.
 * The base URL is checked once, while parsing ({@link Converters.BaseUrlConverter}); the profile and key are
 * resolved by {@link CliServices#provider}. A command may word the descriptions its own way with the keys
 * {@code base-url}, {@code api-key-env} and {@code profile} in its resource bundle ({@link OptionTexts}).
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

    /** The provider and key these options name (the profile read from {@code db}). */
    CliServices.Provider resolve(CliServices services, String db) {
        return services.provider(profile, baseUrl, apiKeyEnv, db);
    }
}
