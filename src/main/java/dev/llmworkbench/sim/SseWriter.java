package dev.llmworkbench.sim;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Buffers server-sent events and writes them to the response body: every event at once when the
 * stream is paced, in blocks of about 8 KB when it runs as fast as possible. No allocation per event.
 */
final class SseWriter {
    private static final int BLOCK = 8192;

    private final OutputStream out;
    private final boolean paced;
    private byte[] buf = new byte[BLOCK * 2];
    private int len;

    SseWriter(OutputStream out, boolean paced) {
        this.out = out;
        this.paced = paced;
    }

    void put(byte[] b) {
        if (len + b.length > buf.length) {
            byte[] nb = new byte[Math.max(buf.length * 2, len + b.length)];
            System.arraycopy(buf, 0, nb, 0, len);
            buf = nb;
        }
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** Ends an event: sends it now when paced, else once a block has filled. */
    void endEvent() throws IOException {
        if (paced || len >= BLOCK) {
            flush();
        }
    }

    void flush() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
        out.flush();
    }
}
