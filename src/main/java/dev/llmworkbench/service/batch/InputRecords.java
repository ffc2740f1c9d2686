package dev.llmworkbench.service.batch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Splits an input file into records on its bytes, one record at a time, never holding more than one record
 * (and at most {@code maxBytes} of it). A record is a line (JSONL), or a CSV record: a line, or several when a
 * quoted field holds line breaks. Line breaks are {@code \n}, {@code \r\n} or a lone {@code \r}, as commons-csv
 * and {@link java.io.BufferedReader} count them. Working on bytes is exact for UTF-8: a quote, a comma and a
 * line break byte are never part of a multi-byte sequence, so a bad byte cannot hide a record's end. A UTF-8
 * byte order mark at the very start of the file is skipped.
 */
final class InputRecords implements Closeable {
    /** How much of a record over the limit is kept, to read its {@code request_id} from. */
    static final int HEAD_BYTES = 64 * 1024;
    /** How far into the file NUL bytes mean it is not a text file. */
    static final int SNIFF_BYTES = 8 * 1024;

    /**
     * One record.
     *
     * @param line     its first line, from 1
     * @param bytes    its bytes without the final line break; null when it is over the limit
     * @param size     its length in bytes
     * @param head     for a record over the limit, its first {@link #HEAD_BYTES} bytes, cut (CSV) after its last
     *                 complete field; else null
     */
    record Record(int line, byte[] bytes, long size, byte[] head) {
        boolean overLimit() {
            return bytes == null;
        }

        boolean blank() {
            if (bytes == null) {
                return false;
            }
            for (byte b : bytes) {
                if (b != ' ' && b != '\t') {
                    return false;
                }
            }
            return true;
        }
    }

    private enum Csv { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    private final InputStream in;
    private final boolean csv;
    private final long maxBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private boolean eof;
    private int line = 1;
    private boolean started;
    private byte[] rec = new byte[256];
    private int recLen;
    /** The current record's length, and its head once it is over the limit. */
    private long size;
    private byte[] head;

    InputRecords(InputStream in, boolean csv, long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the line limit must be at least 1 byte");
        }
        this.in = in;
        this.csv = csv;
        this.maxBytes = maxBytes;
    }

    /** The file's encoding problem found at its start (UTF-16, NUL bytes), in plain words, or null. */
    String sniff() throws IOException {
        start();
        if (lim - pos >= 2 && ((buf[pos] == (byte) 0xFF && buf[pos + 1] == (byte) 0xFE)
                || (buf[pos] == (byte) 0xFE && buf[pos + 1] == (byte) 0xFF))) {
            return "is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8";
        }
        for (int i = pos; i < Math.min(lim, pos + SNIFF_BYTES); i++) {
            if (buf[i] == 0) {
                return "is not a text file (it holds NUL bytes)";
            }
        }
        return null;
    }

    private void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        // fill at least the sniffing window (or up to the end of a short file)
        while (!eof && lim < SNIFF_BYTES) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
            } else {
                lim += n;
            }
        }
        if (lim >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
            pos = 3;
        }
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        if (eof) {
            return false;
        }
        pos = 0;
        lim = 0;
        while (lim == 0) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                return false;
            }
            lim = n;
        }
        return true;
    }

    /** The next record, or null at the end of the file. */
    Record next() throws IOException {
        start();
        if (!fill()) {
            return null;
        }
        int first = line;
        if (rec.length > HEAD_BYTES) {
            rec = new byte[256]; // a big record before this one leaves no big buffer behind
        }
        recLen = 0;
        size = 0;
        head = null;
        int keep = (int) Math.min(HEAD_BYTES, maxBytes);
        int lastCut = 0; // CSV: the length of the record up to its last complete field (within the head)
        Csv state = Csv.FIELD_START;
        while (fill()) {
            byte b = buf[pos++];
            boolean lineBreak = b == '\n' || b == '\r';
            if (lineBreak && (!csv || state != Csv.QUOTED)) {
                if (b == '\r' && fill() && buf[pos] == '\n') {
                    pos++;
                }
                line++;
                break;
            }
            if (lineBreak) { // inside a quoted field: part of the record
                if (b == '\r' && fill() && buf[pos] == '\n') {
                    put(b);
                    b = buf[pos++];
                }
                line++;
            } else if (csv) {
                state = switch (state) {
                    case FIELD_START -> b == '"' ? Csv.QUOTED : b == ',' ? Csv.FIELD_START : Csv.UNQUOTED;
                    case UNQUOTED -> b == ',' ? Csv.FIELD_START : Csv.UNQUOTED;
                    case QUOTED -> b == '"' ? Csv.QUOTE_IN_QUOTED : Csv.QUOTED;
                    case QUOTE_IN_QUOTED -> b == '"' ? Csv.QUOTED : b == ',' ? Csv.FIELD_START : Csv.UNQUOTED;
                };
                if (b == ',' && state == Csv.FIELD_START && size <= keep) {
                    lastCut = (int) size; // the comma itself is not kept
                }
            }
            put(b);
        }
        if (head != null) {
            byte[] h = csv ? Arrays.copyOf(head, Math.min(head.length, lastCut)) : head;
            head = null;
            return new Record(first, null, size, h);
        }
        return new Record(first, Arrays.copyOf(rec, recLen), size, null);
    }

    private void put(byte b) {
        if (size == maxBytes) {
            // over the limit from here on: keep only the head, count the rest
            head = Arrays.copyOf(rec, Math.min(recLen, HEAD_BYTES));
            recLen = 0;
            rec = new byte[256];
        }
        size++;
        if (head == null) {
            if (recLen == rec.length) {
                rec = Arrays.copyOf(rec, (int) Math.min(Math.max(rec.length * 2L, 256), maxBytes));
            }
            rec[recLen++] = b;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Text decoded strictly, or why it is not UTF-8. */
    record Decoded(String text, String problem) {
    }

    /** Decodes UTF-8 strictly: a malformed or cut sequence is a problem naming the byte and its offset. */
    static Decoded decode(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer inBuf = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(inBuf, out, true);
        if (r.isError()) {
            int at = inBuf.position();
            return new Decoded(null, String.format(Locale.ROOT, "not valid UTF-8 (byte 0x%02X at byte %d of the line)",
                    bytes[at] & 0xFF, at + 1));
        }
        r = d.flush(out);
        if (r.isError()) {
            return new Decoded(null, "not valid UTF-8 (a character cut off at the end of the line)");
        }
        out.flip();
        return new Decoded(out.toString(), null);
    }

    /** Decodes UTF-8 leniently (bad bytes become U+FFFD): only to look for a field that is itself readable. */
    static String decodeLenient(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
