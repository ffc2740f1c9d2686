package dev.llmworkbench.service.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.service.batch.BatchExport;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A grid written out: JSONL (one line per cell, the fields of {@link #FIELDS}), CSV (the same fields; {@code vars} and
 * {@code checks} as JSON text) or HTML (the grid as a table: a row per test case, a column per prompt × provider,
 * each cell its answer, pass or fail and cost, the footers below). Written to a temporary file and moved in place.
 */
public final class EvalExport {
    /** The fields of an output line, in order. */
    public static final List<String> FIELDS = List.of("prompt", "prompt_label", "provider", "model", "vars",
            "response", "checks", "pass", "cost_usd", "latency_ms", "error");

    /** The formats. */
    public enum Format {
        JSONL, CSV, HTML;

        /** The format named ({@code jsonl}, {@code csv}, {@code html}), else the one of the file's extension. */
        public static Format of(String name, Path file) {
            String n = name;
            if (n == null) {
                String f = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
                n = f.endsWith(".csv") ? "csv" : f.endsWith(".html") || f.endsWith(".htm") ? "html" : "jsonl";
            }
            try {
                return valueOf(n.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown export format '" + name + "' (expected jsonl, csv or html)");
            }
        }
    }

    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private EvalExport() {
    }

    /** Writes the grid's cells that the filter keeps. */
    public static void write(EvalGrid grid, EvalGrid.Filter filter, Path output, Format format) {
        List<EvalGrid.Cell> cells = grid.cells(filter);
        BatchExport.writeTo(output, w -> {
            switch (format) {
                case JSONL -> {
                    for (EvalGrid.Cell c : cells) {
                        w.write(GSON.toJson(line(grid, c)));
                        w.write('\n');
                    }
                }
                case CSV -> csv(grid, cells, w);
                case HTML -> html(grid, filter, w);
                default -> throw new IllegalStateException(format.name());
            }
        });
    }

    /** One cell as an output line: {@link #FIELDS}. */
    public static JsonObject line(EvalGrid grid, EvalGrid.Cell c) {
        EvalGrid.Column col = grid.columns().get(c.col());
        JsonObject o = new JsonObject();
        o.addProperty("prompt", c.prompt());
        o.addProperty("prompt_label", col.promptLabel());
        o.addProperty("provider", col.provider());
        o.addProperty("model", col.model());
        JsonObject vars = new JsonObject();
        grid.rows().get(c.row()).vars().forEach(vars::addProperty);
        o.add("vars", vars);
        o.addProperty("response", c.response());
        JsonArray checks = new JsonArray();
        for (EvalChecks.Result r : c.checks()) {
            JsonObject j = new JsonObject();
            j.addProperty("type", r.type());
            j.addProperty("value", r.value());
            j.addProperty("pass", r.pass());
            j.addProperty("reason", r.reason());
            checks.add(j);
        }
        o.add("checks", checks);
        o.addProperty("pass", c.passed());
        o.addProperty("cost_usd", c.costUsd() == null ? null : c.costUsd().stripTrailingZeros());
        o.addProperty("latency_ms", c.latencyMs() == null ? null : Math.round(c.latencyMs() * 10) / 10.0);
        o.addProperty("error", c.error());
        return o;
    }

    private static void csv(EvalGrid grid, List<EvalGrid.Cell> cells, Writer w) throws IOException {
        CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(FIELDS.toArray(String[]::new)).get());
        for (EvalGrid.Cell c : cells) {
            JsonObject o = line(grid, c);
            p.printRecord(FIELDS.stream().map(f -> o.get(f).isJsonNull() ? ""
                    : o.get(f).isJsonPrimitive() ? o.get(f).getAsString() : GSON.toJson(o.get(f))).toList());
        }
        p.flush();
    }

    private static void html(EvalGrid grid, EvalGrid.Filter filter, Writer w) throws IOException {
        StringBuilder h = new StringBuilder();
        String title = grid.plan().title() == null ? "Evaluation " + grid.gridId() : grid.plan().title();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #bbb;padding:4px;vertical-align:top;max-width:28em}"
                        + "pre{white-space:pre-wrap;margin:0}.pass{background:#e6f4ea}.fail{background:#fce8e6}"
                        + ".muted{color:#666;font-size:90%}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"muted\">grid ").append(esc(grid.gridId()))
                .append(", rows: ").append(esc(filter.name().toLowerCase(Locale.ROOT).replace('_', ' ')))
                .append("</p>\n<table>\n<thead><tr><th>#</th><th>vars</th>");
        for (EvalGrid.Column c : grid.columns()) {
            h.append("<th>").append(esc(c.promptLabel())).append("<br><span class=\"muted\">").append(esc(c.provider()))
                    .append(" · ").append(esc(c.model())).append(c.parameters().isEmpty() ? ""
                            : " · " + esc(c.parameters())).append("</span></th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (EvalGrid.Row r : grid.rows(filter)) {
            h.append("<tr><td>").append(r.row() + 1).append("</td><td>");
            if (r.description() != null) {
                h.append("<b>").append(esc(r.description())).append("</b><br>");
            }
            for (Map.Entry<String, String> v : r.vars().entrySet()) {
                h.append(esc(v.getKey())).append(": ").append(esc(v.getValue())).append("<br>");
            }
            h.append("</td>");
            for (EvalGrid.Column col : grid.columns()) {
                EvalGrid.Cell c = grid.cell(col.col(), r.row());
                h.append("<td class=\"").append(c.passed() ? "pass" : "fail").append("\"><b>")
                        .append(esc(c.state().wireName().toUpperCase(Locale.ROOT))).append("</b> <span class=\"muted\">")
                        .append(c.costUsd() == null ? "" : Amounts.usd(c.costUsd()))
                        .append(c.latencyMs() == null ? "" : " · " + Math.round(c.latencyMs()) + " ms")
                        .append("</span><pre>").append(esc(c.error() != null ? c.error() : c.response()))
                        .append("</pre>");
                for (EvalChecks.Result cr : c.checks()) {
                    if (!cr.pass()) {
                        h.append("<div class=\"muted\">").append(esc(cr.type())).append(": ").append(esc(cr.reason()))
                                .append("</div>");
                    }
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n<tfoot><tr><th></th><th>pass rate, latency, cost</th>");
        for (EvalGrid.Column c : grid.columns()) {
            EvalGrid.Footer f = c.footer();
            h.append("<th>").append(f.passed()).append('/').append(f.cells()).append(" (")
                    .append(percent(f.passRate())).append(")<br>mean ").append(ms(f.meanLatencyMs())).append(", p95 ")
                    .append(ms(f.p95LatencyMs())).append("<br>").append(Amounts.usd(f.costUsd())).append("</th>");
        }
        h.append("</tr></tfoot>\n</table>\n");
        if (!grid.plan().unsupported().isEmpty()) {
            h.append("<h2>Not run (unsupported)</h2>\n<ul>\n");
            for (EvalPlan.Unsupported u : grid.plan().unsupported()) {
                h.append("<li>").append(esc(u.describe())).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        w.write(h.toString());
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
