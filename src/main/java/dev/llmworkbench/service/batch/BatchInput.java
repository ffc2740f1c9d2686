package dev.llmworkbench.service.batch;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a batch input file: CSV with a header ({@code prompt} required; {@code system_prompt},
 * {@code max_tokens}, {@code temperature}, {@code request_id}, {@code model}, {@code priority},
 * {@code expected}, {@code check...} optional; any other column fills a {@code {{name}}} of the prompt
 * template), JSONL with the same fields, or JSONL lines in the OpenAI batch format ({@code custom_id},
 * {@code method}, {@code url}, {@code body}). Every bad row is kept with its line number and why; a row
 * without {@code request_id} gets a stable id from its content and line.
 */
public final class BatchInput {
    /** The kind of input file, from its extension. */
    public enum Kind { CSV, JSONL }

    /** One row: valid ({@code row} set) or not ({@code invalidReason} set). */
    public record Row(Integer line, String requestId, BatchRow row, String rowJson, String invalidReason) {
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

    /** The file cannot be read as batch input at all (unreadable, unknown extension, no prompt column). */
    public static final class InputException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InputException(String message) {
            super(message);
        }
    }

    private static final Set<String> RESERVED = Set.of("prompt", "system_prompt", "max_tokens", "temperature",
            "request_id", "model", "priority", "expected");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*}}");

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
        throw new InputException("cannot tell the input's kind from its name " + file.getFileName()
                + " (expected .csv or .jsonl)");
    }

    public static Parsed read(Path file) {
        Kind kind = kindOf(file);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InputException("cannot read the input file " + file);
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(kind, r);
        } catch (IOException | UncheckedIOException e) {
            throw new InputException("cannot read the input file " + file + ": " + e.getMessage());
        }
    }

    public static Parsed parse(Kind kind, Reader in) throws IOException {
        List<Row> rows = kind == Kind.CSV ? csv(in) : jsonl(in);
        return new Parsed(kind, dedupe(rows));
    }

    private static List<Row> csv(Reader in) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).setTrim(false).get();
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
            List<String> header = parser.getHeaderNames();
            if (header.stream().noneMatch(h -> h.trim().equalsIgnoreCase("prompt"))) {
                throw new InputException("the CSV header has no 'prompt' column (columns: " + String.join(", ", header) + ")");
            }
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                long before = parser.getCurrentLineNumber();
                CSVRecord rec;
                try {
                    rec = it.next();
                } catch (NoSuchElementException e) {
                    break;
                } catch (UncheckedIOException | IllegalStateException e) {
                    int line = (int) before + 1;
                    rows.add(new Row(line, null, null, null, "malformed CSV: " + rootMessage(e)
                            + " (the rest of the file was not read)"));
                    break;
                }
                int line = (int) before + 1;
                if (!rec.isConsistent()) {
                    rows.add(new Row(line, null, null, null, "has " + rec.size() + " fields, the header has "
                            + header.size()));
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (String h : header) {
                    fields.put(h.trim().toLowerCase(Locale.ROOT).equals(h.trim()) ? h.trim() : h.trim(), rec.get(h));
                }
                Map<String, Object> values = new LinkedHashMap<>();
                fields.forEach((k, v) -> values.put(normalise(k), v));
                rows.add(row(line, values));
            }
        }
        return rows;
    }

    private static String normalise(String column) {
        String lower = column.trim().toLowerCase(Locale.ROOT);
        return RESERVED.contains(lower) || lower.startsWith("check") ? lower : column.trim();
    }

    /** The longest reason an invalid row is given. */
    static final int REASON_CHARS = 200;

    private static String rootMessage(Throwable e) {
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
        return m.length() > REASON_CHARS ? m.substring(0, REASON_CHARS - 1) + "…" : m;
    }

    private static List<Row> jsonl(Reader in) throws IOException {
        List<Row> rows = new ArrayList<>();
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String text;
        int line = 0;
        while ((text = r.readLine()) != null) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            JsonElement e;
            try {
                e = JsonParser.parseString(text);
            } catch (JsonParseException ex) {
                rows.add(new Row(line, null, null, null, "not valid JSON: " + rootMessage(ex)));
                continue;
            }
            if (!e.isJsonObject()) {
                rows.add(new Row(line, null, null, text, "not a JSON object"));
                continue;
            }
            JsonObject o = e.getAsJsonObject();
            if (o.has("custom_id") || o.has("body")) {
                rows.add(openAiBatch(line, o));
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> f : o.entrySet()) {
                JsonElement v = f.getValue();
                String key = normalise(f.getKey());
                if (v.isJsonNull()) {
                    continue;
                }
                if (key.startsWith("check") && v.isJsonArray()) {
                    List<String> cs = new ArrayList<>();
                    v.getAsJsonArray().forEach(c -> cs.add(c.isJsonPrimitive() ? c.getAsString() : c.toString()));
                    values.put(key, cs);
                } else {
                    values.put(key, v.isJsonPrimitive() ? v.getAsString() : v.toString());
                }
            }
            rows.add(row(line, values));
        }
        return rows;
    }

    private static Row openAiBatch(int line, JsonObject o) {
        String raw = BatchRow.GSON.toJson(o);
        String id = o.has("custom_id") && o.get("custom_id").isJsonPrimitive() ? o.get("custom_id").getAsString() : null;
        if (id == null || id.isBlank()) {
            return new Row(line, null, null, raw, "OpenAI batch line without custom_id");
        }
        if (o.has("method") && !"POST".equalsIgnoreCase(o.get("method").getAsString())) {
            return new Row(line, id, null, raw, "method must be POST, was " + o.get("method").getAsString());
        }
        if (o.has("url") && !o.get("url").getAsString().endsWith("/chat/completions")) {
            return new Row(line, id, null, raw, "only /v1/chat/completions is supported, url was "
                    + o.get("url").getAsString());
        }
        if (!o.has("body") || !o.get("body").isJsonObject()) {
            return new Row(line, id, null, raw, "OpenAI batch line without a body object");
        }
        JsonObject body = o.getAsJsonObject("body");
        if (!body.has("messages") || !body.get("messages").isJsonArray() || body.getAsJsonArray("messages").isEmpty()) {
            return new Row(line, id, null, raw, "body has no messages");
        }
        List<Message> messages = new ArrayList<>();
        try {
            for (JsonElement m : body.getAsJsonArray("messages")) {
                JsonObject mo = m.getAsJsonObject();
                Role role = Role.fromWire(mo.get("role").getAsString());
                JsonElement c = mo.get("content");
                messages.add(new Message(role, c == null || c.isJsonNull() ? "" : c.isJsonPrimitive() ? c.getAsString()
                        : c.toString(), List.of(), null));
            }
        } catch (RuntimeException e) {
            return new Row(line, id, null, raw, "bad message in body: " + rootMessage(e));
        }
        Integer max = null;
        Double temp = null;
        try {
            JsonElement mt = body.has("max_tokens") ? body.get("max_tokens") : body.get("max_completion_tokens");
            if (mt != null && !mt.isJsonNull()) {
                max = mt.getAsInt();
                if (max < 1) {
                    return new Row(line, id, null, raw, "max_tokens must be at least 1, was " + max);
                }
            }
            if (body.has("temperature") && !body.get("temperature").isJsonNull()) {
                temp = body.get("temperature").getAsDouble();
                if (temp < 0 || temp > 2) {
                    return new Row(line, id, null, raw, "temperature must be between 0 and 2, was " + temp);
                }
            }
        } catch (RuntimeException e) {
            return new Row(line, id, null, raw, "bad number in body: " + rootMessage(e));
        }
        String model = body.has("model") && !body.get("model").isJsonNull() ? body.get("model").getAsString() : null;
        BatchRow row = new BatchRow(messages, model == null || model.isBlank() ? null : model, max, temp, null, null,
                List.of());
        return new Row(line, id, row, row.toJson(), null);
    }

    /** A row from named values (CSV columns or JSONL fields), validated. */
    private static Row row(int line, Map<String, Object> values) {
        String explicitId = blankToNull(str(values.get("request_id")));
        String prompt = str(values.get("prompt"));
        String raw = BatchRow.GSON.toJson(values);
        if (prompt == null || prompt.isBlank()) {
            return new Row(line, explicitId, null, raw, "prompt is empty");
        }
        Map<String, String> vars = new HashMap<>();
        List<String> checks = new ArrayList<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("check")) {
                Object v = e.getValue();
                List<String> specs = v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                        : List.of(String.valueOf(v));
                for (String s : specs) {
                    if (s.isBlank()) {
                        continue;
                    }
                    String problem = Checks.problem(s);
                    if (problem != null) {
                        return new Row(line, explicitId, null, raw, problem);
                    }
                    checks.add(s.trim());
                }
            } else if (!RESERVED.contains(k)) {
                vars.put(k, str(e.getValue()));
            }
        }
        String filledPrompt;
        String filledSystem;
        try {
            filledPrompt = fill(prompt, vars);
            String sys = blankToNull(str(values.get("system_prompt")));
            filledSystem = sys == null ? null : fill(sys, vars);
        } catch (IllegalArgumentException e) {
            return new Row(line, explicitId, null, raw, e.getMessage());
        }
        Integer maxTokens = null;
        String mt = blankToNull(str(values.get("max_tokens")));
        if (mt != null) {
            try {
                maxTokens = Integer.valueOf(mt.trim());
            } catch (NumberFormatException e) {
                return new Row(line, explicitId, null, raw, "max_tokens is not a whole number: '" + mt + "'");
            }
            if (maxTokens < 1) {
                return new Row(line, explicitId, null, raw, "max_tokens must be at least 1, was " + maxTokens);
            }
        }
        Double temperature = null;
        String t = blankToNull(str(values.get("temperature")));
        if (t != null) {
            try {
                temperature = Double.valueOf(t.trim());
            } catch (NumberFormatException e) {
                return new Row(line, explicitId, null, raw, "temperature is not a number: '" + t + "'");
            }
            if (temperature.isNaN() || temperature < 0 || temperature > 2) {
                return new Row(line, explicitId, null, raw, "temperature must be between 0 and 2, was " + t);
            }
        }
        Priority priority = null;
        String p = blankToNull(str(values.get("priority")));
        if (p != null) {
            try {
                priority = Priority.parse(p);
            } catch (IllegalArgumentException e) {
                return new Row(line, explicitId, null, raw, e.getMessage());
            }
        }
        List<Message> messages = new ArrayList<>();
        if (filledSystem != null) {
            messages.add(Message.system(filledSystem));
        }
        messages.add(Message.user(filledPrompt));
        String model = blankToNull(str(values.get("model")));
        String expected = str(values.get("expected"));
        BatchRow row = new BatchRow(messages, model == null ? null : model.trim(), maxTokens, temperature, priority,
                expected == null || expected.isEmpty() ? null : expected, checks);
        String json = row.toJson();
        return new Row(line, explicitId, row, json, null);
    }

    /** Fills every {@code {{name}}} from {@code vars}; a name without a value is an error. */
    static String fill(String template, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = vars.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no column for {{" + name + "}} in the prompt template");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Gives rows without an id a stable one; a repeated explicit id makes the later row invalid. */
    private static List<Row> dedupe(List<Row> rows) {
        Map<String, Integer> seen = new HashMap<>();
        List<Row> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            String id = r.requestId();
            if (id == null) {
                id = stableId(r.line(), r.rowJson() == null ? "" : r.rowJson());
            }
            Integer first = seen.putIfAbsent(id, r.line());
            if (first != null && r.valid()) {
                out.add(new Row(r.line(), id, null, r.rowJson(), "duplicate request_id '" + id + "' (first on line "
                        + first + ")"));
                continue;
            }
            out.add(new Row(r.line(), id, r.row(), r.rowJson(), r.invalidReason()));
        }
        return out;
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

    private static String str(Object o) {
        return o == null ? null : o instanceof String s ? s : String.valueOf(o);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
