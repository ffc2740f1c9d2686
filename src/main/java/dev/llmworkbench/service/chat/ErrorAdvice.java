package dev.llmworkbench.service.chat;

import dev.llmworkbench.domain.ApiError;
import java.util.Locale;

/**
 * An error in words a person understands: what happened, the provider's own message, and what to do,
 * with the one action the UI can offer for it.
 */
public record ErrorAdvice(String title, String text, Action action) {
    /** The way out the UI offers. */
    public enum Action { NONE, OPEN_SETTINGS, TURN_STREAMING_ON, WAIT_FOR_RETRY, RAISE_BUDGET }

    public static ErrorAdvice of(ApiError e) {
        String provider = e.message() == null ? "" : e.message();
        String status = e.status() == null ? "" : " (HTTP " + e.status() + ")";
        String lower = provider.toLowerCase(Locale.ROOT);
        if (e.kind() == ApiError.Kind.BAD_REQUEST && lower.contains("enable_thinking")) {
            return new ErrorAdvice("Thinking needs streaming" + status,
                    "The provider says: " + provider + "\nTurn streaming on (or thinking off) and run again.",
                    Action.TURN_STREAMING_ON);
        }
        if ("budget_exceeded".equals(e.code())) {
            return new ErrorAdvice("Over budget", provider + "\nRaise the budget in Settings or wait for the next day.",
                    Action.RAISE_BUDGET);
        }
        return switch (e.kind()) {
            case AUTH -> new ErrorAdvice("The provider refused the key" + status,
                    "The provider says: " + provider
                            + "\nCheck the API key of this provider in Settings (it may be missing, mistyped or revoked).",
                    Action.OPEN_SETTINGS);
            case RATE_LIMITED -> new ErrorAdvice("Rate limited" + status,
                    "The provider says: " + provider + "\nToo many requests: wait a moment, or lower the rate-limit tier in Settings.",
                    Action.WAIT_FOR_RETRY);
            case NOT_FOUND -> new ErrorAdvice("Not found" + status,
                    "The provider says: " + provider + "\nCheck the model name and the base URL.", Action.OPEN_SETTINGS);
            case SERVER -> new ErrorAdvice("The provider failed" + status,
                    "The provider says: " + provider + "\nThis is on their side; try again in a little while.", Action.NONE);
            case TIMEOUT -> new ErrorAdvice("No answer in time",
                    provider + "\nThe provider was too slow; try again, or a smaller max_tokens.", Action.NONE);
            case NETWORK -> new ErrorAdvice("Could not reach the provider",
                    provider + "\nCheck the base URL, the proxy and your network in Settings.", Action.OPEN_SETTINGS);
            case CANCELLED -> new ErrorAdvice("Stopped", "You stopped the request; the text so far is kept.", Action.NONE);
            case MALFORMED -> new ErrorAdvice("The answer could not be read",
                    provider + "\nThe provider sent something that is not an OpenAI-compatible answer.", Action.NONE);
            case BAD_REQUEST -> new ErrorAdvice("The provider rejected the request" + status,
                    "The provider says: " + provider + (e.hint() == null ? "" : "\n" + capital(e.hint()) + "."),
                    Action.NONE);
        };
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
