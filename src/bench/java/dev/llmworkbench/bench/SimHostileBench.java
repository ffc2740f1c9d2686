package dev.llmworkbench.bench;

import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The simulator under hostile clients (issue 14): a child JVM at {@code -Xmx256m} (or the heap given) runs the
 * simulator with its default limits (16 MiB bodies, 10 s header and body timeouts, 256 handlers) and reports its
 * heap and threads from its MXBeans; this process throws at it, for {@code seconds} (default 30):
 * <ul>
 *   <li>200 slow-header connections: each sends a request line and then one header byte a second; when the server
 *       drops one, it reconnects, so 200 are always open;</li>
 *   <li>four 100 MB bodies at a time, sent as fast as loopback takes them, two with {@code Content-Length} and two
 *       chunked, each loop starting again when the server answers or hangs up;</li>
 *   <li>20 connections whose {@code Content-Length} is larger than the body they send;</li>
 *   <li>four valid 12 MB chat requests at a time (within the 16 MiB limit, so read and answered, or refused with
 *       503 when the bodies being read fill the buffer budget);</li>
 * </ul>
 * and meanwhile a normal chat request (non-streaming, {@code max_tokens} 10, latency {@code ttft-ms=50,tps=500})
 * every 200 ms on its own connection, each of which must be answered 200 within a second.
 * Args: [seconds] [child heap in MB, default 256]. Exits 1 when a target is missed: the child alive, its heap under
 * that (no OutOfMemoryError), every normal request answered 200 in under a second.
 */
public final class SimHostileBench {
    private static final int SLOW_HEADERS = 200;
    private static final int BIG_BODIES = 4;
    private static final long BIG = 100L * 1000 * 1000;
    private static final int SHORT_BODIES = 20;
    private static final int VALID_BIG = 4;
    private static final int VALID_BIG_BYTES = 12 * 1000 * 1000;
    private static final String CHAT = "/v1/chat/completions";

    private SimHostileBench() {
    }

    /** The child: the simulator with default limits; prints its stats every 100 ms and on "gc". */
    public static final class Server {
        private Server() {
        }

        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            try (Simulator sim = Simulator.start(SimConfig.defaults()
                    .withFaults(FaultSpec.parse("ttft-ms=50,tps=500,jitter=0")))) {
                out.println("url " + sim.baseUrl());
                Thread stats = new Thread(() -> {
                    while (true) {
                        out.println(stats());
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "stats");
                stats.setDaemon(true);
                stats.start();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("gc")) {
                        System.gc();
                        out.println("gc " + stats());
                    } else if (line.equals("quit")) {
                        break;
                    }
                }
            }
        }

        private static String stats() {
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            long peak = 0;
            long afterGc = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    peak += p.getPeakUsage().getUsed();
                    if (p.getCollectionUsage() != null) {
                        afterGc += p.getCollectionUsage().getUsed();
                    }
                }
            }
            return "stats " + used + " " + committed + " " + peak + " "
                    + ManagementFactory.getThreadMXBean().getThreadCount() + " " + afterGc;
        }
    }

    /** The child's last reported figures. */
    private static final class ChildStats {
        volatile long used;
        volatile long peakSampled;
        volatile long poolPeaks;
        volatile int threads;
        volatile int peakThreads;
        volatile long peakAfterGc;
        volatile String gcLine;
        final CountDownLatch gcDone = new CountDownLatch(1);

        void accept(String line) {
            String[] f = line.replaceFirst("^gc ", "").split(" ");
            if (!f[0].equals("stats")) {
                return;
            }
            used = Long.parseLong(f[1]);
            peakSampled = Math.max(peakSampled, used);
            poolPeaks = Long.parseLong(f[3]);
            threads = Integer.parseInt(f[4]);
            peakThreads = Math.max(peakThreads, threads);
            peakAfterGc = Math.max(peakAfterGc, Long.parseLong(f[5]));
            if (line.startsWith("gc ")) {
                gcLine = line;
                gcDone.countDown();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int heapMb = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError", "-cp", classpath(), Server.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
        String first = childOut.readLine();
        if (first == null || !first.startsWith("url ")) {
            throw new IllegalStateException("the child did not start: " + first);
        }
        URI base = URI.create(first.substring(4));
        ChildStats stats = new ChildStats();
        Thread reader = new Thread(() -> {
            try {
                for (String l = childOut.readLine(); l != null; l = childOut.readLine()) {
                    stats.accept(l);
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "child-stats");
        reader.setDaemon(true);
        reader.start();
        int port = base.getPort();
        normalRequests(base, 10, null); // warm-up
        List<Long> baseline = normalRequests(base, 20, null);
        System.out.printf(Locale.ROOT, "baseline: %d normal requests, %s; child heap %.0f MB, %d threads%n",
                baseline.size(), summary(baseline), mb(stats.used), stats.threads);

        AtomicBoolean attacking = new AtomicBoolean(true);
        List<Thread> attackers = new ArrayList<>();
        AtomicLong slowConnects = new AtomicLong();
        List<Long> slowDropMs = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < SLOW_HEADERS; i++) {
            attackers.add(attacker("slow-" + i, () -> slowHeaders(port, attacking, slowConnects, slowDropMs)));
        }
        ConcurrentHashMap<String, AtomicLong> bigOutcomes = new ConcurrentHashMap<>();
        AtomicLong bigBytes = new AtomicLong();
        for (int i = 0; i < BIG_BODIES; i++) {
            boolean chunked = i % 2 == 1;
            attackers.add(attacker("big-" + i, () -> bigBodies(port, chunked, attacking, bigOutcomes, bigBytes)));
        }
        ConcurrentHashMap<String, AtomicLong> shortOutcomes = new ConcurrentHashMap<>();
        for (int i = 0; i < SHORT_BODIES; i++) {
            attackers.add(attacker("short-" + i, () -> shortBodies(port, attacking, shortOutcomes)));
        }
        ConcurrentHashMap<String, AtomicLong> validOutcomes = new ConcurrentHashMap<>();
        byte[] validBig = validBigBody();
        for (int i = 0; i < VALID_BIG; i++) {
            attackers.add(attacker("valid-" + i, () -> validBigBodies(port, validBig, attacking, validOutcomes)));
        }
        attackers.forEach(Thread::start);
        long t0 = System.nanoTime();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<Long> during = normalRequests(base, seconds * 5, failures);
        double attackS = (System.nanoTime() - t0) / 1e9;
        attacking.set(false);
        for (Thread t : attackers) {
            t.join(15_000);
        }
        boolean alive = child.isAlive();
        long peakSampled = stats.peakSampled;
        long poolPeaks = stats.poolPeaks;
        int peakThreads = stats.peakThreads;
        long peakAfterGc = stats.peakAfterGc;
        String gc = "n/a";
        if (alive) {
            child.getOutputStream().write("gc\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            stats.gcDone.await(10, TimeUnit.SECONDS);
            gc = String.format(Locale.ROOT, "%.0f MB", mb(stats.used));
        }
        List<Long> after = alive ? normalRequests(base, 10, null) : List.of();

        long over = during.stream().filter(ms -> ms >= 1000).count();
        System.out.printf(Locale.ROOT, "attack: %.1f s; slow-header connections opened %d (200 at a time), dropped by"
                        + " the server after %s ms (median of %d)%n", attackS, slowConnects.get(),
                median(slowDropMs), slowDropMs.size());
        System.out.printf(Locale.ROOT, "100 MB bodies: %s; %.0f MB sent in all%n", outcomes(bigOutcomes),
                bigBytes.get() / 1e6);
        System.out.printf(Locale.ROOT, "short bodies (Content-Length > body): %s%n", outcomes(shortOutcomes));
        System.out.printf(Locale.ROOT, "valid 12 MB requests: %s%n", outcomes(validOutcomes));
        System.out.printf(Locale.ROOT, "normal requests during the attack: %d, %s; %d at or over 1 s; failed: %d %s%n",
                during.size(), summary(during), over, failures.size(),
                failures.stream().distinct().limit(3).collect(Collectors.toList()));
        System.out.printf(Locale.ROOT, "child (-Xmx" + heapMb + "m): alive %s; heap used peak %.0f MB sampled every 100 ms (pool"
                        + " peaks summed %.0f MB); largest heap left by a collection %.0f MB; after the attack and a"
                        + " GC %s; threads peak %d%n", alive, mb(peakSampled), mb(poolPeaks), mb(peakAfterGc), gc,
                peakThreads);
        System.out.printf(Locale.ROOT, "after: %d normal requests, %s%n", after.size(), summary(after));
        boolean ok = alive && over == 0 && failures.isEmpty() && peakSampled < heapMb * 1024L * 1024;
        System.out.println(ok ? "targets met" : "TARGET MISSED");
        if (alive) {
            child.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroy();
            }
        }
        System.exit(ok ? 0 : 1);
    }

    private static String classpath() throws URISyntaxException {
        ClassLoader loader = Simulator.class.getClassLoader();
        if (loader instanceof URLClassLoader u) {
            List<String> parts = new ArrayList<>();
            for (URL url : u.getURLs()) {
                parts.add(Path.of(url.toURI()).toString());
            }
            return String.join(File.pathSeparator, parts);
        }
        return System.getProperty("java.class.path");
    }

    private static Thread attacker(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Sequential normal requests, one every 200 ms, each on a fresh connection; their latencies in ms. */
    private static List<Long> normalRequests(URI base, int n, List<String> failures)
            throws InterruptedException {
        List<Long> ms = new ArrayList<>();
        String body = "{\"model\":\"qwen3-235b-a22b\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                long took = (System.nanoTime() - start) / 1_000_000;
                ms.add(took);
                if (r.statusCode() != 200 && failures != null) {
                    failures.add("status " + r.statusCode());
                }
            } catch (IOException e) {
                ms.add((System.nanoTime() - start) / 1_000_000);
                if (failures != null) {
                    failures.add(e.getClass().getSimpleName());
                }
            }
            long next = start + TimeUnit.MILLISECONDS.toNanos(200);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        return ms;
    }

    private static void slowHeaders(int port, AtomicBoolean attacking, AtomicLong connects, List<Long> dropMs) {
        while (attacking.get()) {
            long opened = 0;
            try (Socket s = new Socket("127.0.0.1", port)) {
                connects.incrementAndGet();
                opened = System.nanoTime();
                OutputStream out = s.getOutputStream();
                out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] trickle = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        .getBytes(StandardCharsets.US_ASCII);
                int i = 0;
                while (attacking.get()) {
                    Thread.sleep(1000);
                    out.write(trickle[i++ % trickle.length]);
                    out.flush();
                    if (i % trickle.length == 0) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                return;
            } catch (IOException e) {
                // dropped by the server: a write after its close fails (a second or two after the close)
                if (opened != 0 && attacking.get()) {
                    dropMs.add((System.nanoTime() - opened) / 1_000_000);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void bigBodies(int port, boolean chunked, AtomicBoolean attacking,
                                  ConcurrentHashMap<String, AtomicLong> outcomes, AtomicLong sent) {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 'a');
        while (attacking.get()) {
            String outcome;
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(15_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + BIG + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                long left = BIG;
                try {
                    while (left > 0 && attacking.get()) {
                        int n = (int) Math.min(block.length, left);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(block, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        left -= n;
                        sent.addAndGet(n);
                    }
                    if (chunked && left == 0) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException writeFailed) {
                    // the server answered and hung up while the body was still going: read what it said
                }
                outcome = (chunked ? "chunked " : "declared ") + status(s.getInputStream());
            } catch (IOException e) {
                outcome = (chunked ? "chunked " : "declared ") + "reset before an answer";
            }
            outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static byte[] validBigBody() {
        StringBuilder prompt = new StringBuilder(VALID_BIG_BYTES);
        while (prompt.length() < VALID_BIG_BYTES) {
            prompt.append("a long prompt of plain words ");
        }
        return ("{\"model\":\"qwen3-235b-a22b\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static void validBigBodies(int port, byte[] body, AtomicBoolean attacking,
                                       ConcurrentHashMap<String, AtomicLong> outcomes) {
        while (attacking.get()) {
            String outcome;
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(15_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException writeFailed) {
                    // refused before the whole body: read what the server said
                }
                outcome = status(s.getInputStream());
            } catch (IOException e) {
                outcome = "reset before an answer";
            }
            outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static void shortBodies(int port, AtomicBoolean attacking, ConcurrentHashMap<String, AtomicLong> outcomes) {
        while (attacking.get()) {
            String outcome;
            long t0 = System.nanoTime();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                outcome = status(s.getInputStream());
            } catch (IOException e) {
                outcome = "reset";
            }
            long s = Math.round((System.nanoTime() - t0) / 1e9);
            outcomes.computeIfAbsent(outcome + " after ~" + s + " s", k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static String status(InputStream in) {
        try {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\r' && c != '\n'; c = in.read()) {
                sb.append((char) c);
            }
            String line = sb.toString();
            return line.startsWith("HTTP/1.1 ") ? line.substring(9, 12) : line.isEmpty() ? "closed, no answer" : line;
        } catch (IOException e) {
            return "reset, no answer";
        }
    }

    private static String outcomes(ConcurrentHashMap<String, AtomicLong> m) {
        return m.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": " + e.getValue().get()).collect(Collectors.joining(", "));
    }

    private static String summary(List<Long> ms) {
        if (ms.isEmpty()) {
            return "none";
        }
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format(Locale.ROOT, "p50 %d ms, p99 %d ms, max %d ms", s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)), s.get(s.size() - 1));
    }

    private static String median(List<Long> ms) {
        if (ms.isEmpty()) {
            return "-";
        }
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        return Long.toString(s.get(s.size() / 2));
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
