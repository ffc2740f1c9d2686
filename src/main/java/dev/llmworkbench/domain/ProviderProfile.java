package dev.llmworkbench.domain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where to send requests. Never holds a secret: {@code keyRef} only says where the key is kept
 * (for example {@code env:WORKBENCH_API_KEY}, {@code keyring:NAME}, {@code file:NAME} or null for none).
 *
 * @param extraHeaders headers added to every request
 * @param extraBody    top-level body fields added to every chat request (plain Java values: String,
 *                     Number, Boolean, List, Map), a request's own fields win
 * @param proxy        an HTTP(S) proxy as {@code host:port}, or null
 * @param caCertPath   a PEM file with an extra trusted CA certificate, or null
 * @param dialect      how the provider spells the thinking switch; null: guessed from the base URL
 *                     ({@link Dialect#guess})
 */
public record ProviderProfile(String name, String baseUrl, String defaultModel, String keyRef,
                              Map<String, String> extraHeaders, Map<String, Object> extraBody,
                              String proxy, String caCertPath, Dialect dialect) {
    public ProviderProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        baseUrl = stripTrailingSlash(baseUrl.trim());
        extraHeaders = extraHeaders == null ? Map.of() : unmodifiableCopy(extraHeaders);
        extraBody = extraBody == null ? Map.of() : unmodifiableCopy(extraBody);
        dialect = dialect == null ? Dialect.guess(baseUrl) : dialect;
    }

    /** A profile whose dialect is guessed from its base URL ({@link Dialect#guess}). */
    public ProviderProfile(String name, String baseUrl, String defaultModel, String keyRef,
                           Map<String, String> extraHeaders, Map<String, Object> extraBody,
                           String proxy, String caCertPath) {
        this(name, baseUrl, defaultModel, keyRef, extraHeaders, extraBody, proxy, caCertPath, null);
    }

    /**
     * What is wrong with a base URL a person typed, in one line, or null when it is usable: it must be
     * http:// or https:// with a host. The one check for the desktop and the command line.
     */
    public static String baseUrlProblem(String url) {
        String u = url == null ? "" : url.trim();
        String lower = u.toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            return "the base URL must start with http:// or https://, was '" + u + "'";
        }
        try {
            String host = new java.net.URI(u).getHost();
            if (host == null || host.isBlank()) {
                return "the base URL has no host: '" + u + "'";
            }
        } catch (java.net.URISyntaxException e) {
            return "the base URL is not a URL: '" + u + "' (" + e.getReason() + ")";
        }
        return null;
    }

    public static ProviderProfile of(String name, String baseUrl) {
        return new ProviderProfile(name, baseUrl, null, null, Map.of(), Map.of(), null, null);
    }

    /** The same profile at another base URL (its dialect kept). */
    public ProviderProfile withBaseUrl(String url) {
        return new ProviderProfile(name, url, defaultModel, keyRef, extraHeaders, extraBody, proxy, caCertPath,
                dialect);
    }

    public ProviderProfile withKeyRef(String ref) {
        return new ProviderProfile(name, baseUrl, defaultModel, ref, extraHeaders, extraBody, proxy, caCertPath,
                dialect);
    }

    public ProviderProfile withDialect(Dialect d) {
        return new ProviderProfile(name, baseUrl, defaultModel, keyRef, extraHeaders, extraBody, proxy, caCertPath, d);
    }

    /** The same profile with these headers added (a header of the same name replaced). */
    public ProviderProfile withHeaders(Map<String, String> more) {
        if (more == null || more.isEmpty()) {
            return this;
        }
        Map<String, String> h = new LinkedHashMap<>(extraHeaders);
        h.putAll(more);
        return new ProviderProfile(name, baseUrl, defaultModel, keyRef, h, extraBody, proxy, caCertPath, dialect);
    }

    private static String stripTrailingSlash(String url) {
        String u = url;
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    private static <V> Map<String, V> unmodifiableCopy(Map<String, V> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
