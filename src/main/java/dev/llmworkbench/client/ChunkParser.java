package dev.llmworkbench.client;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonSyntaxException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.llmworkbench.domain.Usage;
import java.io.IOException;
import java.io.Reader;
import java.util.Set;

/**
 * Reads the chunks of one stream. {@link #read} fills one reused {@link Chunk} with Gson's streaming reader,
 * without building a tree: it keeps only the fields the accumulator uses (skipping the rest, and the id and
 * model once known) and reads as trees only the rare parts ({@code tool_calls}, {@code reasoning_details}).
 * {@link #parse} builds the tree, as {@code JsonParser.parseString} does, minus the fields nothing reads (for
 * error events, which are read from the tree). Every chunk of the stream is read with one {@link JsonReader}
 * (a reader's buffers weigh more than a short chunk): each chunk is fed to it followed by a marker (a
 * string no provider sends), which the reader must find right after the chunk's object, so anything else
 * after it (a second value, stray text) is an error, as it is for one document. After an error the next
 * chunk starts on a new reader. One instance per stream, used by one thread at a time.
 */
final class ChunkParser {
    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);
    /** Top-level and per-choice fields that nothing reads. */
    private static final Set<String> SKIPPED = Set.of("object", "created", "system_fingerprint", "service_tier",
            "obfuscation", "logprobs", "content_filter_results", "prompt_filter_results");
    private static final String MARKER_VALUE = "\u0001end of chunk";
    private static final String MARKER = " \"" + MARKER_VALUE + "\"";

    private final Feed feed = new Feed();
    private final Chunk chunk = new Chunk();
    private JsonReader reader;

    /** The chunk as an object tree; throws {@link JsonParseException} when it is not one JSON object. */
    JsonObject parse(String data) {
        JsonReader r = start(data);
        boolean ok = false;
        try {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw new JsonParseException("not an object");
            }
            JsonObject o = new JsonObject();
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (SKIPPED.contains(name)) {
                    r.skipValue();
                } else if ("choices".equals(name) && r.peek() == JsonToken.BEGIN_ARRAY) {
                    o.add(name, choices(r));
                } else {
                    o.add(name, ELEMENT.read(r));
                }
            }
            r.endObject();
            end(r);
            ok = true;
            return o;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new JsonSyntaxException(e);
        } finally {
            if (!ok) {
                reader = null; // its state is unknown: the next chunk gets a new one
            }
        }
    }

    /**
     * The chunk's fields into this parser's {@link Chunk} (the same instance every time; its {@code wantId} and
     * {@code wantModel} stay as the caller left them); throws {@link JsonParseException} exactly when
     * {@link #parse} would. The fields mean what {@link Chunk#from} reads of the tree.
     */
    Chunk read(String data) {
        JsonReader r = start(data);
        Chunk c = chunk;
        boolean ok = false;
        boolean ambiguous = false;
        try {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw new JsonParseException("not an object");
            }
            c.clear();
            r.beginObject();
            while (r.hasNext()) {
                switch (r.nextName()) {
                    case "id" -> c.id = c.wantId ? str(r) : skip(r);
                    case "model" -> c.model = c.wantModel ? str(r) : skip(r);
                    case "choices" -> ambiguous |= choices(r, c);
                    case "usage" -> c.usage = r.peek() == JsonToken.BEGIN_OBJECT ? usage(r) : skip(r);
                    case "error" -> {
                        c.error = r.peek() != JsonToken.NULL;
                        r.skipValue();
                    }
                    default -> r.skipValue();
                }
            }
            r.endObject();
            end(r);
            ok = true;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new JsonSyntaxException(e);
        } finally {
            if (!ok) {
                reader = null;
            }
        }
        // a field repeated where the last one's meaning depends on what was skipped before: read the tree
        return ambiguous ? c.from(parse(data)) : c;
    }

    /** Reads {@code choices} into the chunk; true when a choice repeats a field the reading cannot settle. */
    private static boolean choices(JsonReader r, Chunk c) throws IOException {
        c.choices = false;
        c.choice = null;
        if (r.peek() != JsonToken.BEGIN_ARRAY) {
            r.skipValue();
            return false;
        }
        boolean ambiguous = false;
        boolean settled = false;
        r.beginArray();
        while (r.hasNext()) {
            c.choices = true;
            if (settled || r.peek() != JsonToken.BEGIN_OBJECT) {
                r.skipValue();
                continue;
            }
            // as Chunk.firstChoice: the first of index 0 (or none), else the first object
            Chunk.Choice slot = c.choice == null ? c.slotA : c.slotB;
            ambiguous |= choice(r, slot);
            if (slot.first) {
                c.choice = slot;
                settled = true;
            } else if (c.choice == null) {
                c.choice = slot;
            }
        }
        r.endArray();
        return ambiguous;
    }

    private static boolean choice(JsonReader r, Chunk.Choice ch) throws IOException {
        ch.clear();
        boolean ambiguous = false;
        boolean sawDelta = false;
        boolean sawMessage = false;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "index" -> {
                    if (r.peek() == JsonToken.NUMBER) {
                        ch.first = integer(r) == 0;
                    } else {
                        r.skipValue();
                        ch.first = true; // no number: as without an index
                    }
                }
                case "finish_reason" -> ch.finishReason = str(r);
                case "delta" -> {
                    ambiguous |= sawDelta;
                    sawDelta = true;
                    if (r.peek() == JsonToken.BEGIN_OBJECT) {
                        ch.clearDelta(); // a delta object wins over a message read before it
                        ch.hasDelta = true;
                        ch.deltaSeen = true;
                        ambiguous |= delta(r, ch);
                    } else {
                        r.skipValue();
                    }
                }
                case "message" -> {
                    ambiguous |= sawMessage;
                    sawMessage = true;
                    if (r.peek() == JsonToken.BEGIN_OBJECT && !ch.deltaSeen) {
                        ch.hasDelta = true;
                        ambiguous |= delta(r, ch);
                    } else {
                        r.skipValue();
                    }
                }
                default -> r.skipValue();
            }
        }
        r.endObject();
        return ambiguous;
    }

    private static boolean delta(JsonReader r, Chunk.Choice ch) throws IOException {
        boolean ambiguous = false;
        int seen = 0;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "content" -> ch.content = str(r);
                case "reasoning_content" -> {
                    ambiguous |= (seen & 1) != 0;
                    seen |= 1;
                    ch.reasoningContent = text(r);
                }
                case "reasoning" -> {
                    ambiguous |= (seen & 2) != 0;
                    seen |= 2;
                    ch.reasoning = text(r);
                }
                case "reasoning_details" -> {
                    // OpenRouter sends reasoning and its details together: the details are read only without it
                    if (ch.reasoningContent != null || ch.reasoning != null || r.peek() != JsonToken.BEGIN_ARRAY) {
                        r.skipValue();
                        ch.reasoningDetails = null;
                    } else {
                        ch.reasoningDetails = Chunk.detailsText(ELEMENT.read(r).getAsJsonArray());
                    }
                }
                case "tool_calls" -> ch.toolCalls = r.peek() == JsonToken.BEGIN_ARRAY
                        ? ELEMENT.read(r).getAsJsonArray() : skip(r);
                default -> r.skipValue();
            }
        }
        r.endObject();
        return ambiguous;
    }

    /** As {@link StreamAccumulator#parseUsage} reads the tree. */
    private static Usage usage(JsonReader r) throws IOException {
        Integer prompt = null;
        Integer completion = null;
        Integer total = null;
        Integer reasoning = null;
        Integer cached = null;
        Integer detailsReasoning = null;
        Integer detailsCached = null;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "prompt_tokens" -> prompt = integerOrNull(r);
                case "completion_tokens" -> completion = integerOrNull(r);
                case "total_tokens" -> total = integerOrNull(r);
                case "reasoning_tokens" -> reasoning = integerOrNull(r);
                case "cached_tokens" -> cached = integerOrNull(r);
                case "completion_tokens_details" -> detailsReasoning = member(r, "reasoning_tokens");
                case "prompt_tokens_details" -> detailsCached = member(r, "cached_tokens");
                default -> r.skipValue();
            }
        }
        r.endObject();
        return new Usage(prompt, completion, total, detailsReasoning != null ? detailsReasoning : reasoning,
                detailsCached != null ? detailsCached : cached, false);
    }

    /** {@code Json.integer(Json.obj(parent, ...), name)} for the value at hand. */
    private static Integer member(JsonReader r, String name) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            r.skipValue();
            return null;
        }
        Integer v = null;
        r.beginObject();
        while (r.hasNext()) {
            if (name.equals(r.nextName())) {
                v = integerOrNull(r);
            } else {
                r.skipValue();
            }
        }
        r.endObject();
        return v;
    }

    /** As {@link Json#integer}: a number rounded (a string or anything else is no number). */
    private static Integer integerOrNull(JsonReader r) throws IOException {
        return r.peek() == JsonToken.NUMBER ? Integer.valueOf(integer(r)) : skip(r);
    }

    /** The number at hand as {@link Json#integer} rounds it, without allocating. */
    private static int integer(JsonReader r) throws IOException {
        return (int) Math.round(r.nextDouble());
    }

    /** As {@link Json#str}: a primitive's text, null for null, an object's or array's JSON text. */
    private static String str(JsonReader r) throws IOException {
        return switch (r.peek()) {
            case NULL -> skip(r);
            case STRING, NUMBER -> r.nextString();
            case BOOLEAN -> r.nextBoolean() ? "true" : "false";
            default -> ELEMENT.read(r).toString();
        };
    }

    /** As {@link Chunk#textField}: a primitive's text, else null. */
    private static String text(JsonReader r) throws IOException {
        return switch (r.peek()) {
            case STRING, NUMBER -> r.nextString();
            case BOOLEAN -> r.nextBoolean() ? "true" : "false";
            default -> skip(r);
        };
    }

    private static <T> T skip(JsonReader r) throws IOException {
        r.skipValue();
        return null;
    }

    private JsonReader start(String data) {
        feed.set(data);
        if (reader == null) {
            reader = new JsonReader(feed);
            reader.setStrictness(Strictness.LENIENT); // also: one value after another on one reader
        }
        return reader;
    }

    private static void end(JsonReader r) throws IOException {
        if (r.peek() != JsonToken.STRING || !MARKER_VALUE.equals(r.nextString())) {
            throw new JsonSyntaxException("Did not consume the entire document.");
        }
    }

    private static JsonArray choices(JsonReader r) throws IOException {
        JsonArray a = new JsonArray();
        r.beginArray();
        while (r.hasNext()) {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                a.add(ELEMENT.read(r));
                continue;
            }
            JsonObject c = new JsonObject();
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (SKIPPED.contains(name)) {
                    r.skipValue();
                } else {
                    c.add(name, ELEMENT.read(r));
                }
            }
            r.endObject();
            a.add(c);
        }
        r.endArray();
        return a;
    }

    /**
     * The text of the current chunk, then the marker, then the end of input (until the next chunk): the
     * reader never reads past a chunk's marker, whose end it finds at the end of the input.
     */
    private static final class Feed extends Reader {
        private String data = "";
        private int pos;
        private int end;

        void set(String chunk) {
            data = chunk;
            pos = 0;
            end = chunk.length() + MARKER.length();
        }

        @Override
        public int read(char[] buf, int off, int len) {
            if (pos >= end) {
                return -1;
            }
            int n = Math.min(len, end - pos);
            int fromData = Math.max(0, Math.min(n, data.length() - pos));
            if (fromData > 0) {
                data.getChars(pos, pos + fromData, buf, off);
            }
            for (int i = fromData; i < n; i++) {
                buf[off + i] = MARKER.charAt(pos + i - data.length());
            }
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
