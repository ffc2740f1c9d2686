package dev.llmworkbench.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time by thread between two snapshots, grouped by thread name (a thread counted by its id under its latest
 * name: OkHttp renames its task runner's threads as they run tasks), and the process's whole CPU time.
 */
final class ThreadCpu {
    private final Map<Long, Long> byId;
    private final Map<Long, String> names;
    private final long process;

    private ThreadCpu(Map<Long, Long> byId, Map<Long, String> names, long process) {
        this.byId = byId;
        this.names = names;
        this.process = process;
    }

    /** Every live thread's CPU time now. */
    static ThreadCpu now() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> t = new HashMap<>();
        Map<Long, String> n = new HashMap<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            t.put(ti.getThreadId(), mx.getThreadCpuTime(ti.getThreadId()));
            n.put(ti.getThreadId(), group(ti.getThreadName()));
        }
        return new ThreadCpu(t, n, processNanos());
    }

    /** The CPU time of the whole process (every thread, the simulator's too). */
    static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String group(String name) {
        String n = name.replaceAll("[-# ]?\\d+$", "");
        return n.startsWith("OkHttp") && !n.startsWith("OkHttp Dispatcher") ? "OkHttp tasks" : n;
    }

    /** Nanoseconds of CPU by thread group from {@code before} to this snapshot. */
    Map<String, Long> since(ThreadCpu before) {
        Map<String, Long> g = new TreeMap<>();
        byId.forEach((id, v) -> g.merge(names.get(id), v - before.byId.getOrDefault(id, 0L), Long::sum));
        return g;
    }

    /** Microseconds of CPU per item by thread group (groups over 2 µs an item), largest first. */
    String perItem(ThreadCpu before, int items) {
        StringBuilder sb = new StringBuilder();
        since(before).entrySet().stream().filter(e -> e.getValue() > items * 2000L)
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(e -> sb.append(e.getKey()).append('=').append(e.getValue() / 1000 / items).append(' '));
        return sb.toString();
    }

    /**
     * Microseconds of CPU per item of the whole process but the simulator's threads (its HTTP server's and its
     * own, which live through the run): threads that ended between the snapshots (a closed client's) are counted,
     * as are the JVM's own (GC, compiler).
     */
    double clientMicrosPerItem(ThreadCpu before, int items) {
        long sim = 0;
        for (Map.Entry<String, Long> e : since(before).entrySet()) {
            if (isSimulator(e.getKey())) {
                sim += e.getValue();
            }
        }
        return (process - before.process - sim) / 1e3 / items;
    }

    private static boolean isSimulator(String group) {
        return group.startsWith("sim-") || group.equals("HTTP-Dispatcher");
    }
}
