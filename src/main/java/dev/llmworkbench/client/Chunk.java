package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Usage;

/**
 * What {@link StreamAccumulator} reads of one streamed chunk, and nothing else. Mutable and reused: one
 * instance per stream, filled by {@link ChunkParser#read} (streaming, without a tree) or by {@link #from} (from
 * a tree; this is the reference meaning of every field: what {@link Json} reads of the tree). Not thread-safe.
 */
final class Chunk {
    /** Inputs: the id and model are read (allocated) only while wanted; the accumulator clears these once known. */
    boolean wantId = true;
    boolean wantModel = true;

    /** {@code id}, as {@link Json#str} reads it; null when absent or not wanted. */
    String id;
    String model;
    /** The usage when {@code usage} is an object, else null. */
    Usage usage;
    /** A non-null {@code error} field. */
    boolean error;
    /** {@code choices} is a non-empty array. */
    boolean choices;
    /** The choice that counts (see {@link #firstChoice}); null when {@code choices} holds no object. */
    Choice choice;

    /** Two slots for choices: the first object seen and the one being read after it. */
    final Choice slotA = new Choice();
    final Choice slotB = new Choice();

    /** One choice: its finish reason and its {@code delta} (else {@code message}) fields. */
    static final class Choice {
        /** Its index is absent, not a number, or 0 (the choice to take when several come). */
        boolean first;
        String finishReason;
        /** The choice has a {@code delta} object, or (without it) a {@code message} object. */
        boolean hasDelta;
        /** The delta's object is {@code delta}, not {@code message}. */
        boolean deltaSeen;
        /** {@code content}, as {@link Json#str} reads it. */
        String content;
        /** {@code reasoning_content}, {@code reasoning} and the text of {@code reasoning_details}, as text. */
        String reasoningContent;
        String reasoning;
        String reasoningDetails;
        /** {@code tool_calls} when it is an array. */
        JsonArray toolCalls;

        void clear() {
            first = true;
            finishReason = null;
            hasDelta = false;
            deltaSeen = false;
            clearDelta();
        }

        void clearDelta() {
            content = null;
            reasoningContent = null;
            reasoning = null;
            reasoningDetails = null;
            toolCalls = null;
        }

        /** The delta's reasoning: {@code reasoning_content}, else {@code reasoning}, else the details' text. */
        String reasoningText() {
            return reasoningContent != null ? reasoningContent : reasoning != null ? reasoning : reasoningDetails;
        }

        void readTree(JsonObject delta) {
            content = Json.str(delta, "content");
            reasoningContent = textField(delta, "reasoning_content");
            reasoning = textField(delta, "reasoning");
            if (reasoningContent == null && reasoning == null) {
                reasoningDetails = detailsText(Json.arr(delta, "reasoning_details"));
            }
            toolCalls = Json.arr(delta, "tool_calls");
        }
    }

    void clear() {
        id = null;
        model = null;
        usage = null;
        error = false;
        choices = false;
        choice = null;
    }

    /** Fills this from a chunk's tree. */
    Chunk from(JsonObject o) {
        clear();
        id = wantId ? Json.str(o, "id") : null;
        model = wantModel ? Json.str(o, "model") : null;
        JsonObject u = Json.obj(o, "usage");
        usage = u == null ? null : StreamAccumulator.parseUsage(u);
        error = Json.get(o, "error") != null;
        JsonArray cs = Json.arr(o, "choices");
        choices = cs != null && !cs.isEmpty();
        JsonObject c = cs == null ? null : firstChoice(cs);
        if (c != null) {
            choice = slotA;
            choice.clear();
            choice.finishReason = Json.str(c, "finish_reason");
            JsonObject delta = Json.obj(c, "delta");
            choice.deltaSeen = delta != null;
            if (delta == null) {
                delta = Json.obj(c, "message");
            }
            if (delta != null) {
                choice.hasDelta = true;
                choice.readTree(delta);
            }
        }
        return this;
    }

    /** The choice of index 0 (or without an index), else the first object. */
    static JsonObject firstChoice(JsonArray choices) {
        JsonObject first = null;
        for (JsonElement el : choices) {
            if (!el.isJsonObject()) {
                continue;
            }
            JsonObject c = el.getAsJsonObject();
            Integer idx = Json.integer(c, "index");
            if (idx == null || idx == 0) {
                return c;
            }
            if (first == null) {
                first = c;
            }
        }
        return first;
    }

    /**
     * The reasoning a delta (or message) carries, in whichever field the server uses: {@code reasoning_content}
     * (DashScope, DeepSeek, older vLLM, llama.cpp), {@code reasoning} (vLLM, Ollama, OpenRouter), else the text
     * of {@code reasoning_details[]} (OpenRouter: {@code reasoning.text} and {@code reasoning.summary} items;
     * encrypted items have none). One field only: OpenRouter sends {@code reasoning} and the details together.
     */
    static String reasoningOf(JsonObject delta) {
        String rc = textField(delta, "reasoning_content");
        if (rc == null) {
            rc = textField(delta, "reasoning");
        }
        return rc != null ? rc : detailsText(Json.arr(delta, "reasoning_details"));
    }

    /** The text of {@code reasoning_details} items ({@code text}, else {@code summary}); null when none has any. */
    static String detailsText(JsonArray details) {
        if (details == null) {
            return null;
        }
        StringBuilder sb = null;
        for (JsonElement el : details) {
            if (!el.isJsonObject()) {
                continue;
            }
            JsonObject d = el.getAsJsonObject();
            String t = textField(d, "text");
            if (t == null) {
                t = textField(d, "summary");
            }
            if (t != null) {
                sb = sb == null ? new StringBuilder(t) : sb.append(t);
            }
        }
        return sb == null ? null : sb.toString();
    }

    /** A string field; null when absent or not a string (an object is not text). */
    static String textField(JsonObject o, String name) {
        JsonElement e = Json.get(o, name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }
}
