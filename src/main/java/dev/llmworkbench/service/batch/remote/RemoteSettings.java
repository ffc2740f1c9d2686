package dev.llmworkbench.service.batch.remote;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Dialect;
import java.time.Duration;
import java.util.Objects;

/**
 * How a job's rows go to a provider's batch engine, stored with the job so that a resume goes on the same way.
 *
 * @param maxLinesPerFile  the provider's line limit per file
 * @param maxBytesPerFile  its size limit per file
 * @param maxBytesPerLine  its size limit per line
 * @param completionWindow {@code 24h} by default (DashScope takes up to {@code 336h} / {@code 14d})
 * @param poll             at most one look at each batch per this much time
 */
public record RemoteSettings(int maxLinesPerFile, long maxBytesPerFile, long maxBytesPerLine, String completionWindow,
                             Duration poll) {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    public static final String DEFAULT_WINDOW = "24h";
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(30);

    public RemoteSettings {
        if (maxLinesPerFile < 1) {
            throw new IllegalArgumentException("the lines per file must be at least 1, was " + maxLinesPerFile);
        }
        if (maxBytesPerFile < 1 || maxBytesPerLine < 1) {
            throw new IllegalArgumentException("the bytes per file and per line must be at least 1");
        }
        completionWindow = completionWindow == null ? DEFAULT_WINDOW : completionWindow;
        poll = poll == null ? DEFAULT_POLL : poll;
        Objects.requireNonNull(completionWindow);
    }

    /** The published limits of the provider a dialect names: DashScope's, else OpenAI's (also Groq's, vLLM's). */
    public static RemoteSettings defaults(Dialect dialect) {
        if (dialect == Dialect.DASHSCOPE) {
            return new RemoteSettings(50_000, 500L * 1024 * 1024, 6L * 1024 * 1024, DEFAULT_WINDOW, DEFAULT_POLL);
        }
        return new RemoteSettings(50_000, 200L * 1024 * 1024, 200L * 1024 * 1024, DEFAULT_WINDOW, DEFAULT_POLL);
    }

    /** These settings with the given overrides (null keeps the value). */
    public RemoteSettings with(Integer lines, Long bytes, String window, Duration pollEvery) {
        return new RemoteSettings(lines != null ? lines : maxLinesPerFile, bytes != null ? bytes : maxBytesPerFile,
                bytes != null ? Math.min(maxBytesPerLine, bytes) : maxBytesPerLine,
                window != null ? window : completionWindow, pollEvery != null ? pollEvery : poll);
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("max_lines_per_file", maxLinesPerFile);
        o.addProperty("max_bytes_per_file", maxBytesPerFile);
        o.addProperty("max_bytes_per_line", maxBytesPerLine);
        o.addProperty("completion_window", completionWindow);
        o.addProperty("poll_s", poll.toMillis() / 1000.0);
        return GSON.toJson(o);
    }

    public static RemoteSettings fromJson(String json) {
        JsonObject o = GSON.fromJson(json, JsonObject.class);
        return new RemoteSettings(o.get("max_lines_per_file").getAsInt(), o.get("max_bytes_per_file").getAsLong(),
                o.get("max_bytes_per_line").getAsLong(), o.get("completion_window").getAsString(),
                Duration.ofMillis(Math.round(o.get("poll_s").getAsDouble() * 1000)));
    }
}
