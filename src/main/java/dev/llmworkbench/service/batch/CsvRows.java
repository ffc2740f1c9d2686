package dev.llmworkbench.service.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV records as rows. {@link InputRecords} finds each record's bytes; each record is decoded strictly on its
 * own and parsed by commons-csv, so a bad byte, a record over the limit or a broken quote makes that row
 * invalid and leaves the others. The header is the first non-blank record; a header that cannot be read
 * makes the whole file unusable, said in one short line that never echoes the header itself.
 */
final class CsvRows {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(false)
            .get();
    /** How much of the header's column list a message shows. */
    private static final int COLUMNS_SHOWN = 120;

    /** The normalised name of each column; null for a column without a name (its values are ignored). */
    private final List<String> keys;
    private final int idColumn;

    private CsvRows(List<String> keys) {
        this.keys = keys;
        this.idColumn = keys.indexOf("request_id");
    }

    /** The columns from the header record. @throws BatchInput.InputException when it cannot be the header */
    static CsvRows header(Path file, InputRecords.Record r, long maxBytes) {
        String where = "the CSV header of " + file + " (line " + r.line() + ")";
        if (r.overLimit()) {
            throw new BatchInput.InputException(where + " is longer than the line limit of " + maxBytes
                    + " bytes: is it a CSV file?");
        }
        InputRecords.Decoded d = InputRecords.decode(r.bytes());
        if (d.text() == null) {
            throw new BatchInput.InputException(where + " is " + d.problem() + ": is it a UTF-8 CSV file?");
        }
        if (d.text().chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7F)) {
            throw new BatchInput.InputException(where + " holds control characters: is it a CSV file?");
        }
        List<String> names;
        try {
            names = fields(d.text());
        } catch (IllegalArgumentException e) {
            throw new BatchInput.InputException(where + " cannot be read: " + BatchInput.plain(e.getMessage()));
        }
        List<String> keys = new ArrayList<>(names.size());
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            String name = n.trim();
            if (name.isEmpty()) {
                keys.add(null);
                continue;
            }
            String key = BatchInput.normalise(name);
            if (!seen.add(key)) {
                if (BatchInput.reserved(key)) {
                    throw new BatchInput.InputException(where + " names the column " + BatchInput.quote(name)
                            + " twice");
                }
                key = null; // a template variable named twice: its first column fills it
            }
            keys.add(key);
        }
        if (!keys.contains("prompt")) {
            throw new BatchInput.InputException("the CSV header has no 'prompt' column (columns: " + shown(names) + ")");
        }
        return new CsvRows(keys);
    }

    private static String shown(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            String n = BatchInput.clip(names.get(i).trim());
            if (sb.length() + n.length() > COLUMNS_SHOWN) {
                return sb + "… " + (names.size() - i) + " more";
            }
            sb.append(i == 0 ? "" : ", ").append(n);
        }
        return sb.toString();
    }

    /** The row of one record; null for a blank record. */
    BatchInput.Row row(InputRecords.Record r, long maxBytes) {
        int line = r.line();
        if (r.overLimit()) {
            return new BatchInput.Row(line, idFrom(InputRecords.decodeLenient(r.head())), null, null,
                    BatchInput.overLimit(r.size(), maxBytes));
        }
        if (r.blank()) {
            return null;
        }
        InputRecords.Decoded d = InputRecords.decode(r.bytes());
        if (d.text() == null) {
            return new BatchInput.Row(line, idFrom(InputRecords.decodeLenient(r.bytes())), null, null, d.problem());
        }
        String text = d.text();
        if (text.startsWith("\uFEFF")) {
            return new BatchInput.Row(line, idFrom(text.substring(1)), null, null, BatchInput.STRAY_BOM);
        }
        List<String> fields;
        try {
            fields = fields(text);
        } catch (IllegalArgumentException e) {
            return new BatchInput.Row(line, null, null, null, "malformed CSV: " + e.getMessage());
        }
        String id = idColumn >= 0 && idColumn < fields.size() ? fields.get(idColumn) : null;
        if (fields.size() != keys.size()) {
            return new BatchInput.Row(line, BatchInput.blankToNull(id), null, null, "has " + fields.size()
                    + " fields, the header has " + keys.size());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) != null) {
                values.put(keys.get(i), fields.get(i));
            }
        }
        return RowFields.fromValues(line, values, BatchRow.GSON.toJson(values));
    }

    /** The request_id of a record that is otherwise unusable, when its field can be read whole and clean. */
    private String idFrom(String text) {
        if (idColumn < 0 || text == null) {
            return null;
        }
        try {
            List<String> fields = fields(text);
            String id = idColumn < fields.size() ? fields.get(idColumn) : null;
            return id == null || id.isBlank() || id.indexOf('\uFFFD') >= 0 ? null : id;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The fields of one record's text. @throws IllegalArgumentException in plain words when it is not CSV */
    static List<String> fields(String text) {
        try (CSVParser p = CSVParser.parse(text, FORMAT)) {
            List<CSVRecord> recs = p.getRecords();
            if (recs.size() != 1) {
                throw new IllegalArgumentException(recs.isEmpty() ? "no fields" : "the quotes do not pair up");
            }
            return recs.get(0).toList();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new IllegalArgumentException(BatchInput.rootMessage(e), e);
        }
    }
}
