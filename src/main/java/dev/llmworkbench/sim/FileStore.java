package dev.llmworkbench.sim;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's files ({@code POST /v1/files} uploads and the output and error files of its batches),
 * kept in memory for the life of the server, and the reading of a {@code multipart/form-data} upload.
 */
final class FileStore {
    /** One stored file; {@code createdAt} in epoch seconds. */
    record StoredFile(String id, String filename, String purpose, byte[] bytes, long createdAt) {
    }

    /** One part of a multipart body: its field name, its file name (or null) and its bytes. */
    record Part(String name, String filename, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final java.util.List<StoredFile> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    StoredFile put(String filename, String purpose, byte[] bytes) {
        String id = "file-" + String.format(Locale.ROOT, "%012x", ids.incrementAndGet() * 0x9E3779B1L & 0xFFFFFFFFFFFFL);
        StoredFile f = new StoredFile(id, filename, purpose, bytes, System.currentTimeMillis() / 1000);
        files.put(id, f);
        order.add(f);
        return f;
    }

    /** Every file, oldest first. */
    java.util.List<StoredFile> all() {
        return java.util.List.copyOf(order);
    }

    StoredFile get(String id) {
        return id == null ? null : files.get(id);
    }

    /**
     * The parts of a {@code multipart/form-data} body, by field name (the last one wins), or null when the
     * content type has no boundary or the body is not multipart.
     */
    static Map<String, Part> parseMultipart(String contentType, byte[] body) {
        String boundary = boundary(contentType);
        if (boundary == null) {
            return null;
        }
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Part> parts = new HashMap<>();
        int pos = indexOf(body, delim, 0);
        if (pos < 0) {
            return null;
        }
        while (true) {
            int after = pos + delim.length;
            if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
                return parts; // the closing delimiter
            }
            int headersStart = after + 2; // CRLF
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                return null;
            }
            int next = indexOf(body, delim, headersEnd + 4);
            if (next < 0) {
                return null;
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int dataEnd = next - 2; // the CRLF before the delimiter
            byte[] data = java.util.Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, dataEnd));
            String name = param(headers, "name");
            if (name != null) {
                parts.put(name, new Part(name, param(headers, "filename"), data));
            }
            pos = next;
        }
    }

    private static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        String b = param(contentType, "boundary");
        return b == null || b.isEmpty() ? null : b;
    }

    /** {@code name="value"} or {@code name=value} in a header line (the name matched as a whole word). */
    private static String param(String header, String name) {
        String lower = header.toLowerCase(Locale.ROOT);
        int i = 0;
        while ((i = lower.indexOf(name + "=", i)) >= 0) {
            char before = i == 0 ? ';' : lower.charAt(i - 1);
            if (before == ';' || before == ' ' || before == '\t') {
                int v = i + name.length() + 1;
                if (v < header.length() && header.charAt(v) == '"') {
                    int end = header.indexOf('"', v + 1);
                    return end < 0 ? header.substring(v + 1) : header.substring(v + 1, end);
                }
                int end = v;
                while (end < header.length() && header.charAt(end) != ';' && header.charAt(end) != '\r'
                        && header.charAt(end) != '\n') {
                    end++;
                }
                return header.substring(v, end).strip();
            }
            i += name.length();
        }
        return null;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
