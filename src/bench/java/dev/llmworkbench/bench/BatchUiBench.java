package dev.llmworkbench.bench;

import dev.llmworkbench.bench.FxPulseProbe.Figures;
import dev.llmworkbench.bench.FxPulseProbe.Memory;
import dev.llmworkbench.bench.FxPulseProbe.PulseRecorder;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.batch.BatchView;
import dev.llmworkbench.ui.batch.BatchViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import static dev.llmworkbench.bench.FxPulseProbe.gc;
import static dev.llmworkbench.bench.FxPulseProbe.onFx;
import static dev.llmworkbench.bench.FxPulseProbe.savePng;


/**
 * Issue 6's batch-panel benchmark: the real desktop window (the app's composition root, a temporary data
 * folder) imports a 10,000-row CSV through the batch view model's {@code importFile} (the path the file
 * chooser and drag and drop use) and runs it on the embedded simulator without latency
 * ({@code X-Sim-Faults: ttft-ms=0,tps=0}), with the Batch view and its live Results tab showing, while an
 * {@link javafx.animation.AnimationTimer} records the gap between successive FX pulses. Baseline: the same
 * window, file loaded, idle for 10 s. Run: the first 5 s are a warm-up and are not counted; the gaps are
 * recorded until the batch ends (or a cap). Reports p50/p99/max of the gaps, the ratio to idle, items/s,
 * heap (after GC) and RSS before and after, and whether every item ended done (in the panel and in the
 * store); exits 1 if not, 2 if a responsiveness target is missed.
 *
 * <p>Run under a real X server (software rendering), as a normal user, with the JVM option the desktop
 * launchers pass on Linux (background threads below the window's; the program prints the nice values):
 * <pre>
 * mvn -B -o -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-cp.txt
 * xvfb-run -a -s "-screen 0 1400x900x24" java -Dprism.order=sw -XX:ThreadPriorityPolicy=1 \
 *   -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.llmworkbench.bench.BatchUiBench
 * </pre>
 * Optional args: items (10000), concurrency (16), idle seconds (10), warm-up seconds (5), cap seconds (120);
 * {@code --load N} runs N CPU-burning processes beside it (CpuLoad).
 * {@code -Dbench.snapshot=file.png} saves a picture of the window just after the warm-up.
 */
public final class BatchUiBench {
    private static final String PROFILE = "Bench simulator";

    public static void main(String[] all) throws Exception {
        CpuLoad load = CpuLoad.start(CpuLoad.count(all));
        String[] args = CpuLoad.positional(all);
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmupSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int capSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 120;
        System.out.println(FxPulseProbe.machineLine());

        Path data = FxPulseProbe.dataDir("llm-workbench-batchui-");
        Path input = data.resolve("bench-input").resolve("batch-" + items + ".csv");
        Files.createDirectories(input.getParent());
        List<String> lines = new ArrayList<>(items + 1);
        lines.add("request_id,prompt");
        for (int i = 0; i < items; i++) {
            lines.add("q" + i + ",\"Benchmark question number " + i + ": what does a batch panel show, briefly?\"");
        }
        Files.write(input, lines, StandardCharsets.UTF_8);

        AppServices services = new AppServices(DataDirs.at(data), false);
        ProviderProfile sim = services.providers().simulator();
        services.providers().save(new ProviderProfile(PROFILE, sim.baseUrl(), sim.defaultModel(), null,
                Map.of("X-Sim-Faults", "ttft-ms=0,tps=0"), Map.of(), null, null), null);

        Stage stage = FxPulseProbe.openWindow(services, "Batch");
        BatchViewModel vm = onFx(() -> ((BatchView) stage.getScene().lookup("#view-batch")).viewModel());

        // the file, through the same path as the chooser and drag and drop
        long tImport = System.nanoTime();
        onFx(() -> vm.importFile(input)).get(60, TimeUnit.SECONDS);
        double importS = (System.nanoTime() - tImport) / 1e9;
        int loaded = onFx(() -> vm.entries().size());
        String state = onFx(() -> vm.stateProperty().get() + " " + vm.fileSummaryProperty().get()
                + (vm.errorProperty().get().isEmpty() ? "" : " error: " + vm.errorProperty().get()));
        if (loaded != items) {
            throw new IllegalStateException("imported " + loaded + " rows, expected " + items + ": " + state);
        }
        onFx(() -> {
            vm.profileProperty().set(PROFILE);
            vm.concurrencyProperty().set(Integer.toString(concurrency));
            vm.rpmProperty().set("10000000");
            vm.tpmProperty().set("10000000000");
            vm.maxTokensProperty().set("64");
            vm.budgetProperty().set("");
            // the live results table is what a run keeps busy
            ((TabPane) stage.getScene().lookup("#batch-tabs")).getSelectionModel().select(1);
            return null;
        });
        System.out.printf(Locale.ROOT, "window %.0fx%.0f, %s (imported in %.2f s), profile %s, concurrency %d%n",
                stage.getWidth(), stage.getHeight(), state, importS, PROFILE, concurrency);

        PulseRecorder pulses = new PulseRecorder();
        onFx(() -> {
            pulses.start();
            return null;
        });
        Thread.sleep(2_000); // let the window settle (first layout of the tables)
        Memory before = Memory.now();

        // baseline: the window showing the loaded file, nothing running
        onFx(() -> {
            pulses.begin();
            return null;
        });
        Thread.sleep(idleSeconds * 1000L);
        Figures idle = Figures.of(onFx(pulses::end));
        String idleLongest = onFx(() -> pulses.longest(8));

        // the run
        long t0 = System.nanoTime();
        CompletableFuture<BatchSummary> finished = onFx(vm::start);
        Thread.sleep(warmupSeconds * 1000L);
        onFx(() -> {
            pulses.begin();
            return null;
        });
        long[] gc0 = gc();
        String nice = FxPulseProbe.niceValues(List.of("JavaFX Application Thread", "QuantumRenderer", "batch-dispatch",
                "OkHttp Dispatcher", "sim-", "HTTP-Dispatcher", "workbench-ui-work"));
        String shot = System.getProperty("bench.snapshot");
        if (shot != null) {
            onFx(() -> {
                savePng(stage.getScene().snapshot(null), Paths.get(shot));
                return null;
            });
        }
        boolean capped = false;
        long recordFor = Math.max(1, capSeconds * 1_000_000_000L - (System.nanoTime() - t0));
        try {
            finished.get(recordFor, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            capped = true;
        } catch (Exception e) {
            System.out.println("the run ended with an error: " + e);
        }
        long recordedNanos = System.nanoTime() - t0;
        long[] gc1 = gc();
        Figures running = Figures.of(onFx(pulses::end));
        String runLongest = onFx(() -> pulses.longest(8));
        long runBegan = onFx(pulses::beganAtUptimeMs);
        if (capped) {
            System.out.printf(Locale.ROOT, "cap of %d s reached: recording stopped, waiting for the run to end%n",
                    capSeconds);
            try {
                finished.get(10, TimeUnit.MINUTES);
            } catch (Exception e) {
                System.out.println("the run ended with an error: " + e);
            }
        }
        long wallNanos = System.nanoTime() - t0;
        onFx(() -> {
            pulses.stop();
            return null;
        });
        Memory after = Memory.now();

        String jobId = onFx(() -> vm.jobIdProperty().get());
        String endState = onFx(() -> vm.stateProperty().get().toString());
        String counts = onFx(() -> vm.countsTextProperty().get());
        long doneInPanel = onFx(() -> vm.entries().stream().filter(e -> "done".equals(e.statusProperty().get()))
                .count());
        List<BatchService.ItemRow> stored = jobId == null ? List.of() : services.batches().items(jobId);
        long doneInStore = stored.stream().filter(r -> "done".equals(r.status())).count();
        boolean allDone = doneInPanel == items && doneInStore == items && stored.size() == items;

        System.out.println();
        System.out.printf(Locale.ROOT, "run ended: %s, wall %.2f s, %.0f items/s end to end; %s%n", endState,
                wallNanos / 1e9, items / (wallNanos / 1e9), counts);
        System.out.printf(Locale.ROOT, "recorded %.1f s after a %d s warm-up%s%n", recordedNanos / 1e9 - warmupSeconds,
                warmupSeconds, capped ? " (capped)" : "");
        System.out.println("threads' nice values during the run: " + nice);
        System.out.println(idle.line("idle"));
        System.out.println(running.line("running"));
        System.out.println("longest idle gaps (ms@s):   " + idleLongest);
        System.out.println("longest running gaps (ms@s):" + runLongest);
        System.out.printf(Locale.ROOT, "(the run's series began at JVM uptime %.3f s)%n", runBegan / 1e3);
        System.out.printf(Locale.ROOT, "ratio    p50 %.2fx  p99 %.2fx  max %.2fx (running / idle)%n",
                running.p50() / idle.p50(), running.p99() / idle.p99(), running.max() / idle.max());
        System.out.printf(Locale.ROOT, "GC while recording the run: %d collections, %d ms in total%n",
                gc1[0] - gc0[0], gc1[1] - gc0[1]);
        System.out.println("memory before: " + before);
        System.out.println("memory after:  " + after);
        System.out.printf(Locale.ROOT, "items done: panel %d, store %d of %d (job %s)%n", doneInPanel, doneInStore,
                items, jobId);

        Map<String, Boolean> targets = new LinkedHashMap<>();
        targets.put("running p99 <= 33 ms", running.p99() <= 33);
        targets.put("running p99 <= 1.5x idle p99", running.p99() <= 1.5 * idle.p99());
        targets.put("all " + items + " items done", allDone);
        targets.forEach((k, v) -> System.out.println((v ? "PASS  " : "FAIL  ") + k));

        onFx(() -> {
            stage.hide();
            return null;
        });
        Platform.exit();
        int code = !allDone ? 1 : targets.containsValue(false) ? 2 : 0;
        load.close();
        System.exit(code);
    }
}
