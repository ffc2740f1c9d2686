package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.domain.ApiError;

/**
 * A provider batch job cannot go on: one plain line for a person, and the provider's typed error when one
 * caused it (null otherwise). What was stored before stays stored; a resume goes on from there.
 */
public final class RemoteBatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    public RemoteBatchException(String message, ApiError error) {
        super(message);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
