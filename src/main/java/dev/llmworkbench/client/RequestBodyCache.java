package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonPrimitive;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;

/**
 * The JSON bodies of one client's requests, as {@link RequestBodies#chatBody} serialised gives them, character
 * for character, with the text around the messages kept for the last request shape: a batch or a benchmark
 * sends thousands of requests that differ only in their messages. The shape is the request with its messages
 * set aside (record equality); the profile is the client's, fixed. A shape is not kept when its body depends
 * on the messages beyond the {@code messages} array ({@link DialectMapper#editsMessages}), or when an extra
 * body value is not an immutable scalar (a list or map could change after it was kept). Thread-safe without
 * locks: one volatile reference to an immutable entry.
 */
final class RequestBodyCache {
    /** Stands in for the messages in a shape (a request needs at least one). */
    private static final List<Message> NO_MESSAGES = List.of(Message.user(""));
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Character.class, Integer.class,
            Long.class, Short.class, Byte.class, Double.class, Float.class, BigDecimal.class, BigInteger.class);

    /** The body of a request of this shape is {@code head + messages + tail}. */
    private record Entry(ChatRequest shape, String head, String tail) {
    }

    private final ProviderProfile profile;
    private volatile Entry last;

    RequestBodyCache(ProviderProfile profile) {
        this.profile = profile;
    }

    /** The body; throws {@link IllegalArgumentException} when a schema or tool parameter text is not JSON. */
    String json(ChatRequest req) {
        if (!cacheable(req)) {
            return RequestBodies.GSON.toJson(RequestBodies.chatBody(profile, req));
        }
        ChatRequest shape = shapeOf(req);
        Entry e = last;
        if (e == null || !e.shape().equals(shape)) {
            e = entry(shape);
            if (e == null) {
                return RequestBodies.GSON.toJson(RequestBodies.chatBody(profile, req));
            }
            last = e;
        }
        int size = e.head().length() + e.tail().length() + 32;
        for (Message m : req.messages()) {
            size += m.content().length() + 32;
        }
        StringBuilder sb = new StringBuilder(size).append(e.head());
        RequestBodies.GSON.toJson(RequestBodies.messages(req), sb);
        return sb.append(e.tail()).toString();
    }

    /** Whether the text around the messages is kept for this request's shape. */
    boolean keeps(ChatRequest req) {
        Entry e = last;
        return e != null && cacheable(req) && e.shape().equals(shapeOf(req));
    }

    private static ChatRequest shapeOf(ChatRequest req) {
        return req.toBuilder().messages(NO_MESSAGES).build();
    }

    private boolean cacheable(ChatRequest req) {
        if (DialectMapper.editsMessages(RequestBodies.dialectOf(profile), req.enableThinking())) {
            return false;
        }
        for (Object v : req.extraBody().values()) {
            if (v != null && !SCALARS.contains(v.getClass())) {
                return false;
            }
        }
        return true;
    }

    /** The text around an empty {@code messages} array; null if the body does not start as expected. */
    private Entry entry(ChatRequest shape) {
        String body = RequestBodies.GSON.toJson(RequestBodies.chatBody(profile, shape, new JsonArray()));
        String head = "{\"model\":" + RequestBodies.GSON.toJson(new JsonPrimitive(shape.model())) + ",\"messages\":";
        if (!body.startsWith(head + "[]")) {
            return null;
        }
        return new Entry(shape, head, body.substring(head.length() + 2));
    }
}
