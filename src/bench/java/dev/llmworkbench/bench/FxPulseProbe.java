package dev.llmworkbench.bench;

import dev.llmworkbench.metrics.Percentiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * What the FX responsiveness benchmarks share: a recorder of the gaps between FX pulses (an
 * {@link AnimationTimer}), the figures of a series of gaps, heap/RSS and GC counters, a call on the FX
 * thread, and a PNG of a snapshot.
 */
final class FxPulseProbe {
    private FxPulseProbe() {
    }

    /** Gaps between successive pulses, in ns, recorded on the FX thread without allocating. */
    static final class PulseRecorder extends AnimationTimer {
        private long last;
        private long[] gaps = new long[1 << 14];
        private long[] at = new long[1 << 14];
        private long first;
        private int n;
        private volatile boolean recording;
        private long beganAtUptimeMs;

        @Override
        public void handle(long now) {
            if (last != 0 && recording) {
                if (n == gaps.length) {
                    gaps = Arrays.copyOf(gaps, n * 2);
                    at = Arrays.copyOf(at, n * 2);
                }
                if (n == 0) {
                    first = last;
                }
                at[n] = now - first;
                gaps[n++] = now - last;
            }
            last = now;
        }

        /** Starts a new series (FX thread). */
        void begin() {
            n = 0;
            beganAtUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
            recording = true;
        }

        /** The {@code k} longest gaps of the series: "gap ms @ s since the series began" (FX thread). */
        String longest(int k) {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (a, b) -> Long.compare(gaps[b], gaps[a]));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(k, n); i++) {
                sb.append(String.format(Locale.ROOT, " %.0f@%.1fs", gaps[idx[i]] / 1e6, at[idx[i]] / 1e9));
            }
            return sb.toString();
        }

        /** The JVM's uptime when the series began, in ms (to match gaps with a GC or safepoint log). */
        long beganAtUptimeMs() {
            return beganAtUptimeMs;
        }

        /** Ends the series and returns the gaps in ms (FX thread). */
        double[] end() {
            recording = false;
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                ms[i] = gaps[i] / 1e6;
            }
            return ms;
        }
    }

    /** p50/p99/max/mean of a series of pulse gaps, in ms. */
    record Figures(int pulses, double p50, double p99, double max, double mean) {
        static Figures of(double[] gapsMs) {
            Percentiles p = Percentiles.of(gapsMs);
            double max = Arrays.stream(gapsMs).max().orElse(Double.NaN);
            double mean = Arrays.stream(gapsMs).average().orElse(Double.NaN);
            return new Figures(gapsMs.length, p.p50(), p.percentile(99), max, mean);
        }

        String line(String name) {
            return String.format(Locale.ROOT, "%-8s pulses %6d  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  mean %6.2f ms",
                    name, pulses, p50, p99, max, mean);
        }
    }

    /** Heap used after GC and the resident set size, in MB. */
    record Memory(long heapUsedMb, long rssMb) {
        static Memory now() throws IOException {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rssKb = -1;
            for (String line : List.copyOf(Files.readAllLines(Paths.get("/proc/self/status")))) {
                if (line.startsWith("VmRSS:")) {
                    rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new Memory(heap >> 20, rssKb >> 10);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap used after GC %d MB, RSS %d MB", heapUsedMb, rssMb);
        }
    }

    /**
     * The nice values of this process's threads by name prefix (Linux, from /proc/self/task), e.g.
     * "batch-dispatch 4, JavaFX Application Thread 0": shows whether the background threads run below the
     * window's (which takes {@code -XX:ThreadPriorityPolicy=1}, as the launchers pass).
     */
    static String niceValues(List<String> prefixes) {
        Path tasks = Paths.get("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return "(no /proc: not Linux)";
        }
        java.util.Map<String, java.util.SortedSet<Integer>> seen = new java.util.LinkedHashMap<>();
        prefixes.forEach(p -> seen.put(p, new java.util.TreeSet<>()));
        try (var dirs = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) dirs::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    String stat = Files.readString(t.resolve("stat"));
                    // fields after the ")" that ends the name: state is field 3, nice field 19
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    int nice = Integer.parseInt(f[16]);
                    for (String p : prefixes) {
                        if (comm.startsWith(p.length() > 15 ? p.substring(0, 15) : p)) {
                            seen.get(p).add(nice);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return "(cannot read /proc/self/task: " + e.getMessage() + ")";
        }
        StringBuilder sb = new StringBuilder();
        seen.forEach((p, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(p).append(' ')
                .append(n.isEmpty() ? "-" : n.size() == 1 ? n.first().toString() : n.toString()));
        return sb.toString();
    }

    /** Collections so far and their total time in ms, over all collectors. */
    static long[] gc() {
        long count = 0;
        long ms = 0;
        for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    /** Writes an FX image as PNG. */
    static void savePng(javafx.scene.image.Image img, Path file) throws IOException {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        javafx.scene.image.PixelReader r = img.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, r.getArgb(x, y));
            }
        }
        javax.imageio.ImageIO.write(out, "png", file.toFile());
    }

    /** The line a benchmark starts with: Java, cores, the FX pipeline and the display. */
    static String machineLine() {
        return String.format(Locale.ROOT, "java %s (%s), %d cores, prism.order=%s, DISPLAY=%s",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("prism.order"), System.getenv("DISPLAY"));
    }

    /** The data folder: {@code -Dllmworkbench.data.dir}, else a new temporary one. */
    static Path dataDir(String prefix) throws IOException {
        String dir = System.getProperty("llmworkbench.data.dir");
        return dir != null ? Paths.get(dir) : Files.createTempDirectory(prefix);
    }

    /** Starts JavaFX and opens the app's real window on these services, showing {@code view}. */
    static Stage openWindow(dev.llmworkbench.ui.app.AppServices services, String view) throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
        dev.llmworkbench.ui.app.WorkbenchApp app = new dev.llmworkbench.ui.app.WorkbenchApp(
                new dev.llmworkbench.ui.app.InMemoryUiPreferences(), () -> services);
        app.init(); // opens the services, off the FX thread (start() refuses to)
        return onFx(() -> {
            Stage s = new Stage();
            app.start(s);
            app.window().showView(view);
            return s;
        });
    }

    /** Runs {@code c} on the FX thread and waits (at most 60 s) for its value. */
    static <T> T onFx(Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(60, TimeUnit.SECONDS);
    }
}
