package dev.llmworkbench.bench;

import com.google.gson.Gson;
import dev.llmworkbench.cost.Tokenizer;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Qwen3 tokenizer's cost (issue 18): (a) the first use in this JVM, which reads and decodes the bundled
 * ranks and builds JTokkit's encoder, and the heap it keeps; (b) encoding speed over the 200-string test corpus
 * (src/test/resources/dev/llmworkbench/cost/qwen3-corpus.json, mixed English, Chinese and code) repeated,
 * against JTokkit's own o200k in the same run (its first use is timed too). Counts only ({@code count}), then
 * ids ({@code encode}); median of {@code rounds} rounds after as many warm-up rounds.
 *
 * <pre>mvn -B -Pbench test-compile exec:java -Dexec.mainClass=dev.llmworkbench.bench.TokenizerBench -Dexec.args="7"</pre>
 */
public final class TokenizerBench {
    private record Entry(String text) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<String> texts = new ArrayList<>();
        try (InputStream in = TokenizerBench.class.getResourceAsStream("/dev/llmworkbench/cost/qwen3-corpus.json");
             Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            for (Entry e : new Gson().fromJson(r, Entry[].class)) {
                texts.add(e.text());
            }
        }
        long bytes = texts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();

        System.gc();
        long heapBefore = usedHeap();
        long t0 = System.nanoTime();
        Tokenizer.QWEN3.count("hello");
        double qwenLoadMs = (System.nanoTime() - t0) / 1e6;
        System.gc();
        long qwenHeap = usedHeap() - heapBefore;
        t0 = System.nanoTime();
        Tokenizer.O200K.count("hello");
        double o200kLoadMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "first use: qwen3 %.0f ms (heap kept ≈ %.0f MB), o200k %.0f ms%n",
                qwenLoadMs, qwenHeap / 1e6, o200kLoadMs);

        int reps = 50; // the corpus is 9 KB of text: 50 copies a round
        for (Tokenizer t : new Tokenizer[] {Tokenizer.QWEN3, Tokenizer.O200K}) {
            long tokens = 0;
            for (String s : texts) {
                tokens += t.count(s);
            }
            double[] countMs = new double[rounds];
            double[] encodeMs = new double[rounds];
            long sink = 0;
            for (int r = -rounds; r < rounds; r++) {
                long s0 = System.nanoTime();
                for (int k = 0; k < reps; k++) {
                    for (String s : texts) {
                        sink += t.count(s);
                    }
                }
                long s1 = System.nanoTime();
                for (int k = 0; k < reps; k++) {
                    for (String s : texts) {
                        sink += t.encode(s).length;
                    }
                }
                long s2 = System.nanoTime();
                if (r >= 0) {
                    countMs[r] = (s1 - s0) / 1e6;
                    encodeMs[r] = (s2 - s1) / 1e6;
                }
            }
            double c = median(countMs);
            double e = median(encodeMs);
            System.out.printf(Locale.ROOT, "%-6s corpus %d texts, %d bytes, %d tokens; count %.1f MB/s (%.2f M tokens/s), "
                            + "encode %.1f MB/s (%.2f M tokens/s)   [sink %d]%n", t.id(), texts.size(), bytes, tokens,
                    reps * bytes / 1e6 / (c / 1e3), reps * tokens / 1e6 / (c / 1e3),
                    reps * bytes / 1e6 / (e / 1e3), reps * tokens / 1e6 / (e / 1e3), sink);
        }
        System.out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load average " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
