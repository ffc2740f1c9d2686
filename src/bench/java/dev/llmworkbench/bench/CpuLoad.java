package dev.llmworkbench.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --load N} of the responsiveness benchmarks: N processes beside the app that each keep a core busy (a
 * shell's empty loop, at the same priority as the window), started before the idle baseline and stopped at the
 * end, so that both the baseline and the run are measured on a loaded machine.
 */
final class CpuLoad implements AutoCloseable {
    private final List<Process> burners = new ArrayList<>();

    private CpuLoad(int n) throws java.io.IOException {
        for (int i = 0; i < n; i++) {
            burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    /** The N of {@code --load N} in {@code args} (0 without it). */
    static int count(String[] args) {
        int i = Arrays.asList(args).indexOf("--load");
        return i < 0 || i + 1 >= args.length ? 0 : Integer.parseInt(args[i + 1]);
    }

    /** {@code args} without {@code --load N}: the positional arguments. */
    static String[] positional(String[] args) {
        List<String> out = new ArrayList<>(Arrays.asList(args));
        int i = out.indexOf("--load");
        if (i >= 0) {
            out.remove(i);
            if (i < out.size()) {
                out.remove(i);
            }
        }
        return out.toArray(String[]::new);
    }

    /** Starts {@code n} CPU burners (none for 0). */
    static CpuLoad start(int n) throws java.io.IOException {
        if (n > 0) {
            System.out.println("load: " + n + " CPU-burning processes beside the app, from the idle baseline on");
        }
        return new CpuLoad(n);
    }

    @Override
    public void close() {
        burners.forEach(Process::destroyForcibly);
    }
}
