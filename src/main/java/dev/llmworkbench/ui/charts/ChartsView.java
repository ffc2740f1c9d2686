package dev.llmworkbench.ui.charts;

import dev.llmworkbench.service.charts.ChartsService;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.ScatterChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.Duration;

/**
 * Latency and cost charts over the history, filtered by run, model and time range, live while shown (a
 * timeline refreshes the data every second and stops when the view is hidden). Each chart exports as PNG
 * and its data as CSV.
 */
public final class ChartsView extends BorderPane {
    private final ChartsViewModel vm;
    private final Timeline live;
    private final BarChart<String, Number> ttftHist = bar("TTFT histogram", "ms", "requests");
    private final BarChart<String, Number> e2eHist = bar("End-to-end histogram", "ms", "requests");
    private final BarChart<String, Number> pcts = bar("Percentiles per model: TTFT, end-to-end", "model", "ms");
    private final ScatterChart<Number, Number> scatter =
            new ScatterChart<>(axis("output tokens"), axis("TTFT ms"));
    private final LineChart<Number, Number> tps = new LineChart<>(axis("seconds"), axis("tokens/s"));
    private final LineChart<Number, Number> cumulative = new LineChart<>(axis("seconds"), axis("USD"));
    private final BarChart<String, Number> perDay = bar("Spend per day", "day", "USD");
    private final BarChart<String, Number> priceOut = bar("Output price per 1M tokens", "model · provider", "USD");
    private final BarChart<String, Number> perDollar = bar("Output tokens per $1", "model · provider", "tokens");

    public ChartsView(ChartsViewModel vm) {
        this.vm = vm;
        setId("view-charts");
        setAccessibleText("Charts view");
        setPadding(new Insets(12));
        scatter.setTitle("TTFT against output tokens");
        tps.setTitle("Tokens/s over time");
        cumulative.setTitle("Cumulative spend per model");
        for (XYChart<?, ?> c : List.<XYChart<?, ?>>of(scatter, tps, cumulative)) {
            c.setAnimated(false);
            c.setPrefSize(520, 300);
        }
        tps.setCreateSymbols(false);
        cumulative.setCreateSymbols(false);
        ttftHist.setId("chart-ttft-histogram");
        e2eHist.setId("chart-e2e-histogram");
        pcts.setId("chart-percentiles");
        scatter.setId("chart-ttft-vs-output");
        tps.setId("chart-tokens-per-second");
        cumulative.setId("chart-cumulative-spend");
        perDay.setId("chart-spend-per-day");
        priceOut.setId("chart-price-output");
        perDollar.setId("chart-tokens-per-dollar");
        ttftHist.setCategoryGap(1);
        ttftHist.setBarGap(0);
        e2eHist.setCategoryGap(1);
        e2eHist.setBarGap(0);
        ttftHist.setLegendVisible(false);
        e2eHist.setLegendVisible(false);
        perDay.setLegendVisible(false);
        priceOut.setLegendVisible(false);
        perDollar.setLegendVisible(false);

        ComboBox<ChartsService.RunChoice> run = new ComboBox<>(vm.runs());
        run.setId("charts-run");
        run.setPromptText("all recent runs");
        run.setPrefWidth(300);
        run.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(ChartsService.RunChoice r) {
                return r == null ? "all recent runs" : r.label();
            }

            @Override
            public ChartsService.RunChoice fromString(String s) {
                return null;
            }
        });
        run.valueProperty().bindBidirectional(vm.runProperty());
        ComboBox<String> model = new ComboBox<>(vm.models());
        model.setId("charts-model");
        model.setPromptText("all models");
        model.valueProperty().bindBidirectional(vm.modelProperty());
        ComboBox<ChartsViewModel.Range> range = new ComboBox<>();
        range.getItems().setAll(ChartsViewModel.Range.values());
        range.valueProperty().bindBidirectional(vm.rangeProperty());
        Button clear = new Button("All");
        clear.setOnAction(e -> {
            vm.runProperty().set(null);
            vm.modelProperty().set(null);
        });
        Button reload = new Button("Reload runs");
        reload.setOnAction(e -> vm.reloadRuns());
        Label status = new Label();
        status.setId("charts-status");
        status.textProperty().bind(vm.statusProperty());
        FlowPane filters = new FlowPane(8, 6, new Label("Run"), run, new Label("Model"), model, new Label("Time"), range,
                clear, reload, status);
        filters.setAlignment(Pos.CENTER_LEFT);
        filters.setPadding(new Insets(0, 0, 8, 0));
        setTop(filters);
        vm.runProperty().addListener((o, a, b) -> vm.refresh());
        vm.modelProperty().addListener((o, a, b) -> vm.refresh());
        vm.rangeProperty().addListener((o, a, b) -> vm.refresh());

        GridPane latency = grid(
                framed(ttftHist, ChartsViewModel.Chart.TTFT_HISTOGRAM), framed(e2eHist, ChartsViewModel.Chart.E2E_HISTOGRAM),
                framed(pcts, ChartsViewModel.Chart.PERCENTILES), framed(scatter, ChartsViewModel.Chart.TTFT_VS_OUTPUT),
                framed(tps, ChartsViewModel.Chart.TOKENS_PER_SECOND));
        GridPane cost = grid(framed(cumulative, ChartsViewModel.Chart.CUMULATIVE_SPEND),
                framed(perDay, ChartsViewModel.Chart.SPEND_PER_DAY), framed(priceOut, ChartsViewModel.Chart.PRICES),
                framed(perDollar, ChartsViewModel.Chart.PRICES));
        TabPane tabs = new TabPane(new Tab("Latency", scroll(latency)), new Tab("Cost", scroll(cost)));
        tabs.setId("charts-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setCenter(tabs);

        vm.snapshotProperty().addListener((o, a, b) -> render(b));
        render(vm.snapshotProperty().get());

        live = new Timeline(new KeyFrame(Duration.seconds(1), e -> vm.refresh()));
        live.setCycleCount(Animation.INDEFINITE);
        // the timer runs only while the view is in a showing window and visible
        sceneProperty().addListener((o, a, b) -> updateLive());
        visibleProperty().addListener((o, a, b) -> updateLive());
        sceneProperty().addListener((o, a, s) -> {
            if (s != null) {
                s.windowProperty().addListener((o2, w0, w) -> updateLive());
                if (s.getWindow() != null) {
                    s.getWindow().showingProperty().addListener((o3, x, y) -> updateLive());
                }
            }
        });
    }

    private void updateLive() {
        boolean showing = getScene() != null && getScene().getWindow() != null && getScene().getWindow().isShowing()
                && isVisible();
        if (showing && live.getStatus() != Animation.Status.RUNNING) {
            vm.reloadRuns();
            vm.refresh();
            live.play();
        } else if (!showing) {
            live.stop();
        }
    }

    /** Whether the live refresh runs (tests). */
    public boolean isLive() {
        return live.getStatus() == Animation.Status.RUNNING;
    }

    public ChartsViewModel viewModel() {
        return vm;
    }

    private void render(ChartsViewModel.Snapshot s) {
        ttftHist.getData().setAll(List.of(bins(s.ttftHistogram())));
        e2eHist.getData().setAll(List.of(bins(s.e2eHistogram())));
        List<XYChart.Series<String, Number>> p = new ArrayList<>();
        for (String metric : List.of("ttft", "e2e")) {
            for (String name : List.of("p50", "p95", "p99")) {
                XYChart.Series<String, Number> series = new XYChart.Series<>();
                series.setName((metric.equals("ttft") ? "TTFT " : "E2E ") + name);
                for (ChartsService.ModelPercentiles m : s.percentiles()) {
                    if (m.metric().equals(metric)) {
                        double v = name.equals("p50") ? m.p50() : name.equals("p95") ? m.p95() : m.p99();
                        series.getData().add(new XYChart.Data<>(m.model(), v));
                    }
                }
                p.add(series);
            }
        }
        pcts.getData().setAll(p);
        scatter.getData().setAll(numeric(s.ttftVsOutput()));
        tps.getData().setAll(numeric(s.tokensPerSecond()));
        cumulative.getData().setAll(numeric(s.cumulativeSpend()));
        XYChart.Series<String, Number> day = new XYChart.Series<>();
        for (Map.Entry<LocalDate, BigDecimal> e : s.spendPerDay().entrySet()) {
            day.getData().add(new XYChart.Data<>(e.getKey().toString(), e.getValue().doubleValue()));
        }
        perDay.getData().setAll(List.of(day));
        XYChart.Series<String, Number> out = new XYChart.Series<>();
        XYChart.Series<String, Number> per = new XYChart.Series<>();
        for (ChartsService.PricePoint pp : s.prices()) {
            // one bar per (provider, model): the same model at two providers is two bars, the one in use marked
            out.getData().add(new XYChart.Data<>(pp.label(), pp.outputUsdPerM()));
            per.getData().add(new XYChart.Data<>(pp.label(), pp.outputTokensPerUsd()));
        }
        priceOut.getData().setAll(List.of(out));
        perDollar.getData().setAll(List.of(per));
    }

    private static XYChart.Series<String, Number> bins(List<ChartsService.Bin> bins) {
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        for (ChartsService.Bin b : bins) {
            s.getData().add(new XYChart.Data<>(String.format(Locale.ROOT, "%.0f", b.from()), b.count()));
        }
        return s;
    }

    private static List<XYChart.Series<Number, Number>> numeric(Map<String, List<ChartsService.Point>> m) {
        List<XYChart.Series<Number, Number>> out = new ArrayList<>();
        m.forEach((name, pts) -> {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(name);
            List<XYChart.Data<Number, Number>> data = new ArrayList<>(pts.size());
            for (ChartsService.Point pt : pts) {
                data.add(new XYChart.Data<>(pt.x(), pt.y()));
            }
            s.getData().setAll(data);
            out.add(s);
        });
        return out;
    }

    /** All the points the charts show now (tests). */
    public int shownPoints() {
        int n = 0;
        for (XYChart<?, ?> c : List.<XYChart<?, ?>>of(ttftHist, e2eHist, pcts, scatter, tps, cumulative, perDay,
                priceOut, perDollar)) {
            for (XYChart.Series<?, ?> s : c.getData()) {
                n += s.getData().size();
            }
        }
        return n;
    }

    private VBox framed(XYChart<?, ?> chart, ChartsViewModel.Chart data) {
        MenuItem png = new MenuItem("Export PNG…");
        png.setOnAction(e -> save(chart.getId() + ".png").ifPresent(p -> writePng(chart, p)));
        MenuItem csv = new MenuItem("Export data CSV…");
        csv.setOnAction(e -> save(chart.getId() + ".csv").ifPresent(p -> vm.exportCsv(data, p)));
        MenuButton export = new MenuButton("Export", null, png, csv);
        VBox box = new VBox(2, chart, export);
        box.setAlignment(Pos.TOP_RIGHT);
        return box;
    }

    private java.util.Optional<Path> save(String name) {
        FileChooser fc = new FileChooser();
        fc.setInitialFileName(name);
        File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        return java.util.Optional.ofNullable(f).map(File::toPath);
    }

    /**
     * Writes a node as it looks now into a PNG file: 8-bit RGBA rows from the snapshot's pixels (pngj; no AWT, which
     * the installed runtime does not carry).
     */
    public static void writePng(Node node, Path out) {
        WritableImage img = node.snapshot(null, null);
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        ar.com.hjg.pngj.ImageInfo info = new ar.com.hjg.pngj.ImageInfo(w, h, 8, true);
        PixelReader r = img.getPixelReader();
        int[] argb = new int[w];
        try (java.io.OutputStream os = java.nio.file.Files.newOutputStream(out)) {
            ar.com.hjg.pngj.PngWriter png = new ar.com.hjg.pngj.PngWriter(os, info);
            ar.com.hjg.pngj.ImageLineInt line = new ar.com.hjg.pngj.ImageLineInt(info);
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = argb[x];
                    ar.com.hjg.pngj.ImageLineHelper.setPixelRGBA8(line, x, (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff,
                            (p >>> 24) & 0xff);
                }
                png.writeRow(line);
            }
            png.end();
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static GridPane grid(Node... nodes) {
        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(12);
        for (int i = 0; i < nodes.length; i++) {
            g.add(nodes[i], i % 2, i / 2);
        }
        return g;
    }

    private static ScrollPane scroll(Node n) {
        ScrollPane s = new ScrollPane(n);
        s.setFitToWidth(true);
        return s;
    }

    private static NumberAxis axis(String label) {
        NumberAxis a = new NumberAxis();
        a.setLabel(label);
        a.setForceZeroInRange(false);
        return a;
    }

    private static BarChart<String, Number> bar(String title, String x, String y) {
        CategoryAxis xa = new CategoryAxis();
        xa.setLabel(x);
        NumberAxis ya = new NumberAxis();
        ya.setLabel(y);
        BarChart<String, Number> c = new BarChart<>(xa, ya);
        c.setTitle(title);
        c.setAnimated(false);
        c.setPrefSize(520, 300);
        return c;
    }
}
