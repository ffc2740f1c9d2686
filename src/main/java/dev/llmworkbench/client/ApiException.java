package dev.llmworkbench.client;

import dev.llmworkbench.domain.ApiError;
import java.util.Objects;

/** A request failed; {@link #error()} says how (typed). The message never contains a key. */
public final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    public ApiException(ApiError error) {
        super(Objects.requireNonNull(error, "error").describe());
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
