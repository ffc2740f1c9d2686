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
import java.io.IOException;
import java.io.Reader;
import java.util.Set;

/**
 * Parses the chunks of one stream into Gson trees, as {@code JsonParser.parseString} does for each, but
 * skips (with Gson's streaming reader, without building them) the fields the client never reads, and
 * reads every chunk of the stream with one {@link JsonReader} (a reader's buffers weigh more than a
 * short chunk's tree, and a stream is 10⁴–10⁵ chunks). Each chunk is fed to the reader followed by a
 * marker (a string no provider sends): the reader must find the marker right after the chunk's object,
 * so anything else after it (a second value, stray text) is an error, as it is for one document. After an error the next
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
    private JsonReader reader;

    /** The chunk as an object tree; throws {@link JsonParseException} when it is not one JSON object. */
    JsonObject parse(String data) {
        feed.set(data);
        if (reader == null) {
            reader = new JsonReader(feed);
            reader.setStrictness(Strictness.LENIENT); // also: one value after another on one reader
        }
        JsonReader r = reader;
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
            if (r.peek() != JsonToken.STRING || !MARKER_VALUE.equals(r.nextString())) {
                throw new JsonSyntaxException("Did not consume the entire document.");
            }
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
