package dev.llmworkbench.ui.bench;

import dev.llmworkbench.service.bench.BenchListener;
import dev.llmworkbench.service.bench.BenchResult;
import dev.llmworkbench.service.bench.LevelResult;
import dev.llmworkbench.service.bench.RequestResult;
import dev.llmworkbench.service.charts.ChartsService;
import dev.llmworkbench.service.charts.ChartsService.Bin;
import java.util.ArrayList;
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
 * (the progress per level and the current level's ITL histogram in {@link #BINS} bins, binned by
 * {@link ChartsService#histogram(List, int, double)} as the Charts view's histograms are) that reaches the UI thread
 * in one hop. The figures of a finished level are the service's {@link LevelResult}, passed on as is.
 */
public final class BenchLive implements BenchListener {
    /** The least time between two snapshots. */
    static final long TICK_MS = 250;
    /** The histogram's bins. */
    static final int BINS = 30;
    /** The percentile the histogram's bins reach; the gaps above it are counted in the last bin. */
    static final double UP_TO_PERCENTILE = 99;

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
    private final List<Double> gaps = new ArrayList<>();
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
                gaps.clear();
                progress.put(s.index(), new Progress(s.load().label(), 0, 0, s.warmup()));
            } else if (e instanceof RequestResult r) {
                Progress p = progress.get(r.level());
                if (p != null) {
                    progress.put(r.level(), new Progress(p.label(), p.done() + 1, p.errors() + (r.ok() ? 0 : 1),
                            p.warmup()));
                }
                if (r.level() == current) {
                    gaps.addAll(r.chunkGapsMs());
                }
            } else if (e instanceof Done d) {
                done.add(d.level());
            }
        }
        if (!any) {
            return;
        }
        Snapshot s = new Snapshot(List.copyOf(progress.values()),
                ChartsService.histogram(gaps, BINS, UP_TO_PERCENTILE), gaps.size(), done);
        fx.execute(() -> show.accept(s));
    }
}
