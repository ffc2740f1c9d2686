package dev.llmworkbench.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.llmworkbench.domain.ApiKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * The last line of defence that keeps API keys out of the database. Callers never pass a key; this
 * still strips fields named like a credential ({@code Authorization}, {@code api_key}, {@code x-api-key},
 * ...), masks {@code Bearer <token>} anywhere (a token: 12+ characters with a digit, so prose
 * such as "bearer tokens expire" is left alone), and masks every value equal to a key it was told about
 * ({@link #remember(ApiKey)}). Thread-safe.
 */
public final class Redactor {
    public static final String MASK = "***";
    /** Shorter "keys" are ignored: masking them would wreck ordinary text. */
    public static final int MIN_SECRET_LENGTH = 8;

    private static final Set<String> SECRET_NAMES = Set.of("authorization", "proxyauthorization", "apikey",
            "xapikey", "apisecret", "accesstoken", "secretkey", "password", "ocpapimsubscriptionkey", "xgoogapikey");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+(?=[A-Za-z0-9._~+/=\\-]*\\d)[A-Za-z0-9._~+/=\\-]{12,}");

    private final Set<String> secrets = new CopyOnWriteArraySet<>();

    /** Masks this key wherever it would be written from now on. */
    public void remember(ApiKey key) {
        if (key != null) {
            remember(key.reveal());
        }
    }

    /** Masks this secret wherever it would be written from now on (ignored when shorter than 8). */
    public void remember(String secret) {
        if (secret != null && secret.trim().length() >= MIN_SECRET_LENGTH) {
            secrets.add(secret.trim());
        }
    }

    /** Whether a field or header of this name holds a credential ({@code X-Api-Key}, {@code authorization}...). */
    public static boolean isSecretName(String name) {
        if (name == null) {
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return SECRET_NAMES.contains(n);
    }

    /** Free text with every known secret and every bearer token masked; null stays null. */
    public String text(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = s;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return mentionsBearer(out) ? BEARER.matcher(out).replaceAll("$1 " + MASK) : out;
    }

    /** Whether "bearer" appears in any case: the pattern's own scan costs more, and every answer stored passes here. */
    private static boolean mentionsBearer(String s) {
        for (int i = 0, end = s.length() - 6; i <= end; i++) {
            char c = s.charAt(i);
            if ((c == 'b' || c == 'B') && s.regionMatches(true, i, "bearer", 0, 6)) {
                return true;
            }
        }
        return false;
    }

    /**
     * JSON text with credential-named fields removed and secrets masked in every string; text that is
     * not JSON is treated as free text. Null stays null.
     */
    public String json(String json) {
        if (json == null || json.isBlank()) {
            return json;
        }
        if (!mayHoldASecret(json)) {
            return json;
        }
        JsonElement e;
        try {
            e = JsonParser.parseString(json);
        } catch (JsonParseException ex) {
            return text(json);
        }
        return Json.GSON.toJson(scrub(e));
    }

    /**
     * A cheap pre-check: every credential field name, once lower-cased and stripped of what is not a letter or a
     * digit (as {@link #isSecretName} compares names), contains one of these words, a bearer token its scheme;
     * {@code \\u} escapes could hide either, so they force the full walk. Compared on the text stripped the same
     * way, so that "max_tokens" (in every request) does not force the walk and "access-token" still does.
     */
    private boolean mayHoldASecret(String json) {
        StringBuilder b = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = Character.toLowerCase(json.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\\') {
                b.append(c);
            }
        }
        String l = b.toString();
        if (l.contains("auth") || l.contains("key") || l.contains("accesstoken") || l.contains("password")
                || l.contains("secret") || l.contains("bearer") || l.contains("\\u")) {
            return true;
        }
        for (String secret : secrets) {
            if (json.contains(secret)) {
                return true;
            }
        }
        return false;
    }

    /** A JSON tree with credential-named fields removed and secrets masked in every string (a copy). */
    public JsonElement scrub(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return e;
        }
        if (e.isJsonObject()) {
            JsonObject out = new JsonObject();
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                if (!isSecretName(m.getKey())) {
                    out.add(m.getKey(), scrub(m.getValue()));
                }
            }
            return out;
        }
        if (e.isJsonArray()) {
            JsonArray out = new JsonArray();
            for (JsonElement x : e.getAsJsonArray()) {
                out.add(scrub(x));
            }
            return out;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isString()) {
            String s = p.getAsString();
            String t = text(s);
            return t.equals(s) ? p : new JsonPrimitive(t);
        }
        return p;
    }

    /** The names among {@code names} that look like credentials. */
    public static List<String> secretNames(Iterable<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (isSecretName(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
