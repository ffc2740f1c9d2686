package dev.llmworkbench.service.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Reads a batch input file: CSV with a header ({@code prompt} required; {@code system_prompt},
 * {@code max_tokens}, {@code temperature}, {@code request_id}, {@code model}, {@code priority},
 * {@code expected}, {@code check...} optional; any other column fills a {@code {{name}}} of the prompt
 * template), JSONL with the same fields, or JSONL lines in the OpenAI batch format ({@code custom_id},
 * {@code method}, {@code url}, {@code body}). Every bad row is kept with its line number and why; a row
 * without {@code request_id} gets a stable id from its content and line.
 *
 * <p>The file is read as a stream of records ({@link #open}), one row at a time: each line (CSV: each record,
 * named by its first line) is decoded as UTF-8 on its own and strictly, so a bad byte, a byte order mark in
 * the middle of the file, a line over the limit ({@link #DEFAULT_MAX_LINE_BYTES}) or a JSON value of the wrong
 * type makes that row invalid, with its line and a reason of at most {@value #REASON_CHARS} characters, and
 * every other row is read. A UTF-8 byte order mark at the start of the file is skipped. What the whole file
 * cannot be (UTF-16, binary, a CSV header that is not text or has no {@code prompt} column) is an
 * {@link InputException} in one short line.
 */
public final class BatchInput {
    /** The kind of input file, from its extension. */
    public enum Kind { CSV, JSONL }

    /** The longest line (a CSV record: all its lines) read by default: the largest request a provider takes. */
    public static final long DEFAULT_MAX_LINE_BYTES = 6L * 1024 * 1024;

    /** The longest request_id kept. */
    static final int MAX_ID_CHARS = 1000;

    static final String STRAY_BOM = "starts with a byte order mark (U+FEFF) in the middle of the file: were two "
            + "files joined?";

    /** One row: valid ({@code row} set) or not ({@code invalidReason} set, one line of at most 200 characters). */
    public record Row(Integer line, String requestId, BatchRow row, String rowJson, String invalidReason) {
        public Row {
            invalidReason = invalidReason == null ? null : cap(invalidReason);
        }

        public boolean valid() {
            return invalidReason == null;
        }
    }

    /** A whole file: its kind and rows in order. */
    public record Parsed(Kind kind, List<Row> rows) {
        public Parsed {
            rows = List.copyOf(rows);
        }

        public List<Row> invalidRows() {
            return rows.stream().filter(r -> !r.valid()).toList();
        }

        public List<Row> validRows() {
            return rows.stream().filter(Row::valid).toList();
        }
    }

    /** How many rows a read found; {@code header}: a CSV header was read. */
    public record Counts(int valid, int invalid, boolean header) {
        public int total() {
            return valid + invalid;
        }

        /** @throws InputException when the file had no row at all: empty, blank, or only a header */
        public void requireRows(Path file) {
            if (total() == 0) {
                throw new InputException("the input file " + file + (header ? " has no rows, only a header"
                        : " is empty: no rows"));
            }
        }
    }

    /** The file cannot be read as batch input at all (unreadable, unknown extension, no prompt column). */
    public static final class InputException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InputException(String message) {
            super(message);
        }
    }

    private static final Set<String> RESERVED = Set.of("prompt", "system_prompt", "max_tokens", "temperature",
            "request_id", "model", "priority", "expected");

    private BatchInput() {
    }

    /** The input kind of a path, from its extension. */
    public static Kind kindOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Kind.CSV;
        }
        if (name.endsWith(".jsonl")) {
            return Kind.JSONL;
        }
        throw new InputException("cannot tell the input's kind from its name " + clip(String.valueOf(file.getFileName()))
                + " (expected .csv or .jsonl)");
    }

    /** The whole file's rows, held together (the desktop's preview, tests); the default line limit. */
    public static Parsed read(Path file) {
        return read(file, DEFAULT_MAX_LINE_BYTES);
    }

    public static Parsed read(Path file, long maxLineBytes) {
        try (Rows rows = open(file, maxLineBytes)) {
            List<Row> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            return new Parsed(rows.kind(), all);
        }
    }

    /** The rows of a stream of bytes, held together (tests). */
    public static Parsed parse(Kind kind, InputStream in, long maxLineBytes) {
        try (Rows rows = new Rows("the input", kind, in, maxLineBytes)) {
            List<Row> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            return new Parsed(kind, all);
        }
    }

    /**
     * Opens a file to read its rows one at a time. The file's start is read at once: an unknown extension, a
     * missing or unreadable file, a UTF-16 or binary file and a CSV header that cannot be used are an
     * {@link InputException} here.
     */
    public static Rows open(Path file, long maxLineBytes) {
        Kind kind = kindOf(file);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InputException("cannot read the input file " + file);
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (IOException e) {
            throw new InputException("cannot read the input file " + file + ": " + plain(e.getMessage()));
        }
        try {
            return new Rows(file.toString(), kind, in, maxLineBytes);
        } catch (RuntimeException e) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the first problem is the one said
            }
            throw e;
        }
    }

    /**
     * The rows of a file in order, one at a time, each id made unique (a repeated explicit id makes the later
     * row invalid). Holds one row, and the ids seen so far. Reading errors are {@link InputException}s.
     */
    public static final class Rows implements Iterator<Row>, AutoCloseable {
        private final String name;
        private final Kind kind;
        private final long maxLineBytes;
        private final InputRecords records;
        private final CsvRows csv;
        private final Map<String, Integer> seen = new HashMap<>();
        private Row next;
        private int valid;
        private int invalid;

        Rows(String name, Kind kind, InputStream in, long maxLineBytes) {
            if (maxLineBytes < 1) {
                throw new InputException("the line limit must be at least 1 byte, was " + maxLineBytes);
            }
            this.name = name;
            this.kind = kind;
            this.maxLineBytes = maxLineBytes;
            this.records = new InputRecords(in, kind == Kind.CSV, maxLineBytes);
            String problem;
            try {
                problem = records.sniff();
            } catch (IOException e) {
                throw unreadable(e);
            }
            if (problem != null) {
                throw new InputException("the input file " + name + " " + problem);
            }
            CsvRows header = null;
            if (kind == Kind.CSV) {
                InputRecords.Record r;
                do {
                    r = record();
                } while (r != null && r.blank());
                header = r == null ? null : CsvRows.header(Path.of(name), r, maxLineBytes);
            }
            this.csv = header;
        }

        public Kind kind() {
            return kind;
        }

        /** The rows read so far. */
        public Counts counts() {
            return new Counts(valid, invalid, csv != null);
        }

        private InputRecords.Record record() {
            try {
                return records.next();
            } catch (IOException e) {
                throw unreadable(e);
            }
        }

        private InputException unreadable(IOException e) {
            return new InputException("cannot read the input file " + name + ": " + plain(e.getMessage()));
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (kind == Kind.CSV && csv == null) {
                return false; // no header: an empty file
            }
            InputRecords.Record r;
            while ((r = record()) != null) {
                Row row = kind == Kind.CSV ? csv.row(r, maxLineBytes) : jsonRow(r);
                if (row != null) {
                    next = unique(row);
                    if (next.valid()) {
                        valid++;
                    } else {
                        invalid++;
                    }
                    return true;
                }
            }
            return false;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = next;
            next = null;
            return r;
        }

        private Row jsonRow(InputRecords.Record r) {
            if (r.overLimit()) {
                return new Row(r.line(), JsonRows.idFromHead(InputRecords.decodeLenient(r.head())), null, null,
                        overLimit(r.size(), maxLineBytes));
            }
            if (r.blank()) {
                return null;
            }
            InputRecords.Decoded d = InputRecords.decode(r.bytes());
            if (d.text() == null) {
                return new Row(r.line(), JsonRows.idFromHead(InputRecords.decodeLenient(r.bytes())), null, null,
                        d.problem());
            }
            if (d.text().startsWith("\uFEFF")) {
                return new Row(r.line(), JsonRows.idFromHead(d.text().substring(1)), null, null, STRAY_BOM);
            }
            if (d.text().isBlank()) {
                return null;
            }
            return JsonRows.parse(r.line(), d.text());
        }

        /** Gives a row without an id a stable one; a repeated explicit id makes the later row invalid. */
        private Row unique(Row r) {
            String id = r.requestId();
            if (id != null && id.length() > MAX_ID_CHARS) {
                r = new Row(r.line(), null, null, r.rowJson(), r.valid() ? "request_id is " + id.length()
                        + " characters long, at most " + MAX_ID_CHARS : r.invalidReason());
                id = null;
            }
            if (id == null) {
                id = stableId(r.line(), r.rowJson() == null ? "" : r.rowJson());
            }
            Integer first = seen.putIfAbsent(id, r.line());
            if (first != null && r.valid()) {
                return new Row(r.line(), id, null, r.rowJson(), "duplicate request_id " + quote(id)
                        + " (first on line " + first + ")");
            }
            return new Row(r.line(), id, r.row(), r.rowJson(), r.invalidReason());
        }

        @Override
        public void close() {
            try {
                records.close();
            } catch (IOException e) {
                // nothing was written: a failed close loses nothing
            }
        }
    }

    /** The reason of a line (a CSV record) over the limit. */
    static String overLimit(long size, long max) {
        return "the line is " + size + " bytes long, over the limit of " + max + " bytes (--max-line-bytes)";
    }

    /** A column the workbench reads itself (not a template variable). */
    static boolean reserved(String key) {
        return RESERVED.contains(key);
    }

    static String normalise(String column) {
        String lower = column.trim().toLowerCase(Locale.ROOT);
        return RESERVED.contains(lower) || lower.startsWith("check") ? lower : column.trim();
    }

    /** The longest reason an invalid row is given. */
    static final int REASON_CHARS = 200;

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return plain(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    /**
     * A library's message in plain words for a row's reason: its first line only (Gson adds a second with
     * a troubleshooting URL), no URL, at most {@link #REASON_CHARS} characters.
     */
    static String plain(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl).strip();
        }
        m = m.replaceAll("\\s*See https?://\\S+", "").replaceAll("https?://\\S+", "").strip();
        return cap(m);
    }

    /** One line of at most {@link #REASON_CHARS} characters. */
    static String cap(String m) {
        String one = m.replaceAll("[\\r\\n]+", " ");
        return one.length() > REASON_CHARS ? one.substring(0, REASON_CHARS - 1) + "…" : one;
    }

    /** A value from the file, cut short for a message. */
    static String clip(String s) {
        String one = s.replaceAll("[\\r\\n\\t]+", " ");
        return one.length() > 60 ? one.substring(0, 59) + "…" : one;
    }

    /** A value from the file in quotes, cut short for a message. */
    static String quote(String s) {
        return "'" + clip(s) + "'";
    }

    /** {@code row-} and 12 hex digits of SHA-256 over the line number and the row's content. */
    static String stableId(Integer line, String content) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] h = d.digest((line + "\n" + content).getBytes(StandardCharsets.UTF_8));
            return "row-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
