package dev.llmworkbench.ui.bench;

import dev.llmworkbench.service.bench.BenchListener;
import dev.llmworkbench.service.bench.BenchResult;
import dev.llmworkbench.service.bench.LevelResult;
import dev.llmworkbench.service.bench.RequestResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One benchmark run followed live: the service's events (on the client's threads and the run's thread) are queued,
 * and at most every {@link #TICK_MS} ms one tick on the {@code ticks} thread folds them into a {@link Snapshot}
 * (the progress per level and the current level's ITL histogram, down-sampled to {@link #BINS} bins) that reaches
 * the UI thread in one hop. The figures of a finished level are the service's {@link LevelResult}, passed on as is.
 */
public final class BenchLive implements BenchListener {
    /** The least time between two snapshots. */
    static final long TICK_MS = 250;
    /** The histogram's bins at most. */
    static final int BINS = 30;

    /** One bin of the ITL histogram: [from, to) ms, how many gaps. */
    public record Bin(double fromMs, double toMs, int count) {
    }

    /** A level's progress: its label, measured requests done, errors, warm-up. */
    public record Progress(String label, int done, int errors, int warmup) {
    }

    /** What the view shows at one tick. */
    record Snapshot(List<Progress> progress, List<Bin> itl, int itlGaps, List<LevelResult> levelsDone) {
    }

    private record Started(int index, BenchResult.Load load, int warmup) {
    }

    private record Done(int index, LevelResult level) {
    }

    private final ScheduledExecutorService ticks;
    private final Executor fx;
    private final Consumer<Snapshot> show;
    private final ConcurrentLinkedQueue<Object> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    // the ticks' own state: touched only on the ticks thread (one tick at a time)
    private final Map<Integer, Progress> progress = new LinkedHashMap<>();
    private double[] gaps = new double[1024];
    private int gapCount;
    private int current = -1;

    BenchLive(ScheduledExecutorService ticks, Executor fx, Consumer<Snapshot> show) {
        this.ticks = ticks;
        this.fx = fx;
        this.show = show;
    }

    @Override
    public void onLevelStarted(int index, BenchResult.Load load, int warmup) {
        offer(new Started(index, load, warmup));
    }

    @Override
    public void onRequest(RequestResult result) {
        offer(result);
    }

    @Override
    public void onLevelDone(int index, LevelResult level) {
        offer(new Done(index, level));
    }

    private void offer(Object event) {
        events.add(event);
        if (scheduled.compareAndSet(false, true)) {
            ticks.schedule(this::tick, TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Folds what is queued into a last snapshot now, then runs {@code then} on the UI thread after it. */
    void flush(Runnable then) {
        ticks.execute(() -> {
            tick();
            fx.execute(then);
        });
    }

    private void tick() {
        scheduled.set(false);
        List<LevelResult> done = new ArrayList<>();
        boolean any = false;
        Object e;
        while ((e = events.poll()) != null) {
            any = true;
            if (e instanceof Started s) {
                current = s.index();
                gapCount = 0;
                progress.put(s.index(), new Progress(s.load().label(), 0, 0, s.warmup()));
            } else if (e instanceof RequestResult r) {
                Progress p = progress.get(r.level());
                if (p != null) {
                    progress.put(r.level(), new Progress(p.label(), p.done() + 1, p.errors() + (r.ok() ? 0 : 1),
                            p.warmup()));
                }
                if (r.level() == current) {
                    for (double g : r.chunkGapsMs()) {
                        if (gapCount == gaps.length) {
                            gaps = Arrays.copyOf(gaps, gaps.length * 2);
                        }
                        gaps[gapCount++] = g;
                    }
                }
            } else if (e instanceof Done d) {
                done.add(d.level());
            }
        }
        if (!any) {
            return;
        }
        Snapshot s = new Snapshot(List.copyOf(progress.values()), histogram(gaps, gapCount), gapCount, done);
        fx.execute(() -> show.accept(s));
    }

    /**
     * The gaps in at most {@link #BINS} equal bins from the least to the 99th percentile; the gaps above it counted
     * in the last bin (a few stalls do not squeeze the rest into one bar).
     */
    static List<Bin> histogram(double[] values, int n) {
        if (n == 0) {
            return List.of();
        }
        double[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        double lo = v[0];
        double hi = v[Math.min(n - 1, (int) Math.ceil(0.99 * (n - 1)))];
        if (!(hi > lo)) {
            return List.of(new Bin(lo, lo, n));
        }
        int bins = Math.min(BINS, Math.max(1, n));
        double width = (hi - lo) / bins;
        int[] counts = new int[bins];
        for (double x : v) {
            int i = (int) ((x - lo) / width);
            counts[Math.max(0, Math.min(bins - 1, i))]++;
        }
        List<Bin> out = new ArrayList<>(bins);
        for (int i = 0; i < bins; i++) {
            out.add(new Bin(lo + i * width, lo + (i + 1) * width, counts[i]));
        }
        return out;
    }
}
