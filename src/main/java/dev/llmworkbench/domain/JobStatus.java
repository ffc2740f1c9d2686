package dev.llmworkbench.domain;

import java.util.Locale;

/** The state of a batch job. {@code interrupted}: it was running or paused when the process died. */
public enum JobStatus {
    PENDING, RUNNING, PAUSED, DONE, CANCELLED, INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
