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
import java.io.StringReader;
import java.util.Set;

/**
 * Parses one streamed chunk into a Gson tree, as {@code JsonParser.parseString} does, but skips
 * (with Gson's streaming reader, without building them) the fields the client never reads: a
 * stream is 10⁴–10⁵ of these.
 */
final class ChunkParser {
    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);
    /** Top-level and per-choice fields that nothing reads. */
    private static final Set<String> SKIPPED = Set.of("object", "created", "system_fingerprint", "service_tier",
            "obfuscation", "logprobs", "content_filter_results", "prompt_filter_results");

    private ChunkParser() {
    }

    /** The chunk as an object tree; throws {@link JsonParseException} when it is not one JSON object. */
    static JsonObject parse(String data) {
        try {
            JsonReader r = new JsonReader(new StringReader(data));
            r.setStrictness(Strictness.LENIENT);
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
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonSyntaxException("Did not consume the entire document.");
            }
            return o;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new JsonSyntaxException(e);
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
}
