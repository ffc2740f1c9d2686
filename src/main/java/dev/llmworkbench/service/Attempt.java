package dev.llmworkbench.service;

/**
 * One HTTP attempt of a request: its number (1-based), the HTTP status (null when none arrived),
 * the error kind (null on success), the wait before the next attempt in ms (0 when none followed)
 * and why it was retried or not.
 */
public record Attempt(int number, Integer status, String errorKind, long waitMs, String reason) {
}
