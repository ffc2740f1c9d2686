package dev.llmworkbench.domain;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A typed failure of a request, shared by every layer. {@code retryable} says whether sending the
 * same request again could help; {@code retryAfter} is the server's Retry-After (or Retry-After-Ms),
 * null when not given. {@code hint} says what a person can do about it, or null. Never contains a key.
 */
public record ApiError(Kind kind, Integer status, String code, String message, boolean retryable,
                       Duration retryAfter, String hint) {

    public enum Kind {
        AUTH, BAD_REQUEST, NOT_FOUND, RATE_LIMITED, SERVER, TIMEOUT, NETWORK, CANCELLED, MALFORMED;

        /** {@code auth}, {@code bad_request}, ... as printed in JSON. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ApiError {
        Objects.requireNonNull(kind, "kind");
        message = message == null ? kind.wireName() : message;
    }

    public static ApiError of(Kind kind, Integer status, String message) {
        return new ApiError(kind, status, null, message, defaultRetryable(kind), null, null);
    }

    /** Whether errors of this kind are worth retrying, all else being equal. */
    public static boolean defaultRetryable(Kind kind) {
        return switch (kind) {
            case RATE_LIMITED, SERVER, TIMEOUT, NETWORK -> true;
            case AUTH, BAD_REQUEST, NOT_FOUND, CANCELLED, MALFORMED -> false;
        };
    }

    public ApiError withHint(String h) {
        return new ApiError(kind, status, code, message, retryable, retryAfter, h);
    }

    public ApiError withMessage(String m) {
        return new ApiError(kind, status, code, m, retryable, retryAfter, hint);
    }

    /** One line for a person: kind, status, message and hint. */
    public String describe() {
        StringBuilder sb = new StringBuilder(kind.wireName());
        if (status != null) {
            sb.append(" (HTTP ").append(status).append(')');
        }
        sb.append(": ").append(message);
        if (hint != null && !hint.isBlank()) {
            sb.append(" — ").append(hint);
        }
        return sb.toString();
    }
}
