package dev.llmworkbench.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiError.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import okhttp3.Headers;

/** Maps HTTP statuses, error bodies, error events and I/O failures to typed {@link ApiError}s. */
final class Errors {
    static final String THINKING_HINT = "stream the request or turn thinking off";
    static final int EXCERPT_CHARS = 200;
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

    private Errors() {
    }

    /** The provider's message, code and type found in an error body (any field may be null). */
    record Parsed(String message, String code, String type) {
    }

    /** Reads OpenAI's {"error":{message,type,code}}, DashScope's {code,message} and {"detail": ...}. */
    static Parsed parseErrorBody(String body) {
        if (body == null || body.isBlank()) {
            return new Parsed(null, null, null);
        }
        try {
            JsonElement el = JsonParser.parseString(body);
            if (el.isJsonObject()) {
                return parseErrorObject(el.getAsJsonObject());
            }
        } catch (JsonParseException | IllegalStateException e) {
            // not JSON: fall through
        }
        return new Parsed(null, null, null);
    }

    static Parsed parseErrorObject(JsonObject o) {
        JsonElement err = o.get("error");
        if (err != null && err.isJsonObject()) {
            JsonObject e = err.getAsJsonObject();
            String msg = Json.str(e, "message");
            if (msg == null) {
                msg = Json.str(e, "msg");
            }
            return new Parsed(msg, Json.str(e, "code"), Json.str(e, "type"));
        }
        if (err != null && err.isJsonPrimitive()) {
            return new Parsed(err.getAsString(), Json.str(o, "code"), Json.str(o, "type"));
        }
        String msg = Json.str(o, "message");
        if (msg == null) {
            JsonElement detail = o.get("detail");
            if (detail != null && !detail.isJsonNull()) {
                msg = detail.isJsonPrimitive() ? detail.getAsString() : detail.toString();
            }
        }
        return new Parsed(msg, Json.str(o, "code"), Json.str(o, "type"));
    }

    /** An HTTP error status with its (possibly empty) body. */
    static ApiError fromHttp(int status, Headers headers, String body, String contentType) {
        Parsed p = parseErrorBody(body);
        String message = p.message() != null && !p.message().isBlank() ? p.message()
                : readable(body, contentType, "HTTP " + status);
        Kind kind = kindForStatus(status);
        boolean retryable = ApiError.defaultRetryable(kind);
        String code = p.code() != null ? p.code() : p.type();
        if (status == 408) {
            code = code == null ? "request_timeout" : code;
        }
        Duration retryAfter = retryAfter(headers);
        ApiError e = new ApiError(kind, status, code, message, retryable, retryAfter, null);
        return withThinkingHint(e);
    }

    static Kind kindForStatus(int status) {
        if (status == 401 || status == 403) {
            return Kind.AUTH;
        }
        if (status == 404) {
            return Kind.NOT_FOUND;
        }
        if (status == 408) {
            return Kind.TIMEOUT;
        }
        if (status == 429) {
            return Kind.RATE_LIMITED;
        }
        if (status >= 500) {
            return Kind.SERVER;
        }
        return Kind.BAD_REQUEST;
    }

    /** An {"error": ...} object that arrived in a 200 reply (an SSE event or a JSON body). */
    static ApiError fromErrorEvent(JsonObject o) {
        Parsed p = parseErrorObject(o);
        String code = p.code();
        String type = p.type();
        String probe = ((code == null ? "" : code) + " " + (type == null ? "" : type)).toLowerCase(Locale.ROOT);
        Integer numeric = null;
        try {
            numeric = code == null ? null : Integer.valueOf(code.trim());
        } catch (NumberFormatException e) {
            // a word, not a status
        }
        Kind kind;
        if (numeric != null && numeric >= 400 && numeric < 600) {
            kind = kindForStatus(numeric);
        } else if (probe.contains("rate") || probe.contains("throttl") || probe.contains("quota")) {
            kind = Kind.RATE_LIMITED;
        } else if (probe.contains("auth") || probe.contains("api_key") || probe.contains("permission")) {
            kind = Kind.AUTH;
        } else if (probe.contains("invalid") || probe.contains("bad_request")) {
            kind = Kind.BAD_REQUEST;
        } else {
            kind = Kind.SERVER;
        }
        String message = p.message() != null ? p.message() : excerpt(o.toString());
        return withThinkingHint(new ApiError(kind, null, code != null ? code : type, message,
                ApiError.defaultRetryable(kind), null, null));
    }

    private static ApiError withThinkingHint(ApiError e) {
        if (e.message() != null && e.message().toLowerCase(Locale.ROOT).contains("enable_thinking")) {
            return e.withHint(THINKING_HINT);
        }
        return e;
    }

    /** Retry-After-Ms (preferred) or Retry-After in seconds or as an HTTP date; null when absent. */
    static Duration retryAfter(Headers h) {
        String ms = h.get("Retry-After-Ms");
        if (ms != null) {
            try {
                double v = Double.parseDouble(ms.trim());
                if (v >= 0 && Double.isFinite(v)) {
                    return Duration.ofNanos(Math.round(v * 1_000_000));
                }
            } catch (NumberFormatException e) {
                // try Retry-After
            }
        }
        String ra = h.get("Retry-After");
        if (ra == null || ra.isBlank()) {
            return null;
        }
        try {
            double v = Double.parseDouble(ra.trim());
            return v >= 0 && Double.isFinite(v) ? Duration.ofNanos(Math.round(v * 1_000_000_000L)) : null;
        } catch (NumberFormatException e) {
            // an HTTP date
        }
        Date at = h.getDate("Retry-After");
        if (at == null) {
            return null;
        }
        Date serverNow = h.getDate("Date");
        Instant now = serverNow != null ? serverNow.toInstant() : Instant.now();
        Duration d = Duration.between(now, at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** A short readable excerpt of a body: an HTML page's title or its text without tags. */
    static String readable(String body, String contentType, String fallback) {
        if (body == null || body.isBlank()) {
            return fallback;
        }
        String ex = excerpt(body);
        if (ex.isEmpty()) {
            return fallback;
        }
        return ex;
    }

    static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String s = body;
        Matcher m = TITLE.matcher(s);
        if (m.find()) {
            s = m.group(1);
        } else if (s.contains("<")) {
            s = TAG.matcher(s).replaceAll(" ");
        }
        s = s.replaceAll("\\s+", " ").trim();
        if (s.length() > EXCERPT_CHARS) {
            s = s.substring(0, EXCERPT_CHARS) + "…";
        }
        return s;
    }

    /** Where a call was when it failed, for telling the timeouts apart. */
    enum Phase { CONNECT, WAITING_FOR_HEADERS, BODY }

    static ApiError fromIo(IOException e, Phase phase) {
        if (e instanceof SocketTimeoutException || isTimeout(e)) {
            String code = switch (phase) {
                case CONNECT -> "connect_timeout";
                case WAITING_FOR_HEADERS -> "first_byte_timeout";
                case BODY -> "idle_timeout";
            };
            return timeout(code, "timed out (" + code.replace('_', ' ') + ")");
        }
        if (e instanceof ConnectException) {
            return new ApiError(Kind.NETWORK, null, "connection_refused", "cannot connect: " + e.getMessage(),
                    true, null, null);
        }
        if (e instanceof UnknownHostException) {
            return new ApiError(Kind.NETWORK, null, "unknown_host", "unknown host: " + e.getMessage(), true, null,
                    "check the base URL and the network");
        }
        if (e instanceof NoRouteToHostException) {
            return new ApiError(Kind.NETWORK, null, "no_route", "no route to host: " + e.getMessage(), true, null,
                    null);
        }
        if (e instanceof java.io.EOFException || "unexpected end of stream".equals(e.getMessage())
                || (e.getMessage() != null && e.getMessage().startsWith("unexpected end of stream"))) {
            return new ApiError(Kind.NETWORK, null, "connection_closed", phase == Phase.BODY
                    ? "the server closed the connection before the reply ended"
                    : "the server closed the connection before replying", true, null, null);
        }
        if (e instanceof java.net.SocketException && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
            return new ApiError(Kind.NETWORK, null, "connection_reset", "the connection was reset", true, null, null);
        }
        if (e instanceof SSLException) {
            return new ApiError(Kind.NETWORK, null, "tls", "TLS failure: " + e.getMessage(), false, null,
                    "check the CA certificate of the provider profile");
        }
        return new ApiError(Kind.NETWORK, null, "io_error", describe(e), true, null, null);
    }

    static ApiError timeout(String code, String message) {
        return new ApiError(Kind.TIMEOUT, null, code, message, true, null, null);
    }

    private static boolean isTimeout(IOException e) {
        return e instanceof InterruptedIOException && "timeout".equals(e.getMessage());
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
