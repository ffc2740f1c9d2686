package dev.llmworkbench.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.llmworkbench.client.HttpClients;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.StreamListener;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.metrics.Percentiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * Issue 2's client benchmark, in one process against one loopback server that writes pre-rendered
 * streams: (a) one stream of 200,000 chunks, chunks/s; (b) 3,000 sequential short streamed
 * requests, requests/s and p50/p99. Our client against a baseline of plain OkHttp + okhttp-sse +
 * Gson parsing each chunk, and (b) also against the official Java SDK.
 *
 * <p>Run: {@code mvn -B -Pbench test-compile exec:java -Dexec.mainClass=dev.llmworkbench.bench.ClientBench}
 * (optional args: long-stream chunks, short requests, rounds).
 */
public final class ClientBench {
    private static final MediaType JSON = MediaType.get("application/json");

    public static void main(String[] args) throws Exception {
        int longChunks = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int shortRequests = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.out.printf(Locale.ROOT, "java %s, %d cores%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        byte[] longBody = LoopbackStreamServer.stream(longChunks);
        byte[] shortBody = LoopbackStreamServer.stream(20);
        try (LoopbackStreamServer server = new LoopbackStreamServer(longBody)) {
            String base = server.baseUrl();
            OkHttpClient http = new OkHttpClient.Builder().protocols(List.of(Protocol.HTTP_1_1))
                    .readTimeout(Duration.ofSeconds(60)).build();
            ProviderProfile profile = ProviderProfile.of("bench", base);
            OpenAiClient ours = new OpenAiClient(profile, null, Timeouts.defaults(),
                    HttpClients.create(profile, Timeouts.defaults(), http), null);
            OpenAIClient sdk = OpenAIOkHttpClient.builder().apiKey("bench").baseUrl(base)
                    .maxRetries(0).build();

            System.out.printf(Locale.ROOT, "%n(a) one stream of %,d chunks (%,d bytes), %d rounds after a warm-up%n",
                    longChunks, longBody.length, rounds);
            longStream(ours, http, base, longChunks, 1); // warm-up
            double[] oursCps = new double[rounds];
            double[] baseCps = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double[] pair = longStream(ours, http, base, longChunks, r);
                oursCps[r] = pair[0];
                baseCps[r] = pair[1];
            }
            double o = median(oursCps);
            double b = median(baseCps);
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = oursCps[r] / baseCps[r];
            }
            System.out.printf(Locale.ROOT, "  ours      %,12.0f chunks/s (median)%n", o);
            System.out.printf(Locale.ROOT, "  baseline  %,12.0f chunks/s (median)%n", b);
            System.out.printf(Locale.ROOT, "  ratio ours/baseline %.3f, median of the paired rounds' ratios %.3f (target >= 0.9)%n",
                    o / b, median(ratios));

            server.setBody(shortBody);
            System.out.printf(Locale.ROOT, "%n(b) %,d sequential short streamed requests (20 chunks each)%n",
                    shortRequests);
            Runner[] runners = {
                new Runner("ours", () -> oursOnce(ours)),
                new Runner("baseline", () -> baselineOnce(http, base)),
                new Runner("official SDK", () -> sdkOnce(sdk)),
            };
            for (Runner rn : runners) {
                rn.run(Math.max(200, shortRequests / 5)); // warm-up
            }
            List<double[]> results = new ArrayList<>();
            Ratios vsBare = new Ratios("short streams, ours / bare OkHttp+sse+Gson, req/s");
            Ratios vsSdk = new Ratios("short streams, ours / official SDK, req/s");
            for (int r = 0; r < rounds; r++) {
                for (Runner rn : runners) {
                    results.add(rn.run(shortRequests));
                }
                int at = r * runners.length;
                vsBare.add(results.get(at)[0], results.get(at + 1)[0]);
                vsSdk.add(results.get(at)[0], results.get(at + 2)[0]);
            }
            System.out.println("  " + vsBare.summary() + " (target >= 0.95)");
            System.out.println("  " + vsSdk.summary() + " (target >= 1.0)");
            System.out.println("  " + Ratios.load());
            double[][] best = new double[runners.length][];
            for (int i = 0; i < runners.length; i++) {
                List<double[]> mine = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    mine.add(results.get(r * runners.length + i));
                }
                mine.sort((x, y) -> Double.compare(x[0], y[0]));
                best[i] = mine.get(rounds / 2); // the median by requests/s
                System.out.printf(Locale.ROOT, "  %-13s %,9.0f req/s   p50 %.3f ms   p99 %.3f ms%n",
                        runners[i].name, best[i][0], best[i][1], best[i][2]);
            }
            System.out.printf(Locale.ROOT, "  ratio ours/baseline %.3f (target >= 0.9), ours/SDK %.3f (target >= 1.0)%n",
                    best[0][0] / best[1][0], best[0][0] / best[2][0]);
            System.out.printf(Locale.ROOT, "  p99 ours/baseline %.3f, ours/SDK %.3f (lower is better)%n",
                    best[0][2] / best[1][2], best[0][2] / best[2][2]);
            sdk.close();
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
        System.exit(0);
    }

    private interface Once {
        void run() throws Exception;
    }

    private static final class Runner {
        final String name;
        final Once once;

        Runner(String name, Once once) {
            this.name = name;
            this.once = once;
        }

        /** Returns {requests/s, p50 ms, p99 ms}. */
        double[] run(int n) throws Exception {
            double[] lat = new double[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                once.run();
                lat[i] = (System.nanoTime() - s) / 1e6;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Percentiles p = Percentiles.of(lat);
            return new double[] {n / secs, p.p50(), p.p99()};
        }
    }

    private static ChatRequest request() {
        return ChatRequest.builder("qwen3-235b-a22b").user("Say something.").maxTokens(64).build();
    }

    private static void oursOnce(OpenAiClient ours) {
        Completion c = ours.complete(request());
        if (!c.ok() || c.text().isEmpty()) {
            throw new IllegalStateException("ours failed: " + c.error());
        }
    }

    // max_tokens, deprecated by OpenAI in favour of max_completion_tokens: the same field our client sends
    @SuppressWarnings("deprecation")
    private static void sdkOnce(OpenAIClient sdk) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("qwen3-235b-a22b").addUserMessage("Say something.").maxTokens(64)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(params)) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        if (text.length() == 0) {
            throw new IllegalStateException("SDK got no text");
        }
    }

    private static void baselineOnce(OkHttpClient http, String base) throws InterruptedException {
        long n = baselineStream(http, base);
        if (n == 0) {
            throw new IllegalStateException("baseline got no chunk");
        }
    }

    /** Plain OkHttp + okhttp-sse + Gson: parses each chunk and appends its content; returns chunks. */
    private static long baselineStream(OkHttpClient http, String base) throws InterruptedException {
        String body = "{\"model\":\"qwen3-235b-a22b\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something.\"}],"
                + "\"max_tokens\":64,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        Request req = new Request.Builder().url(base + "/chat/completions")
                .post(RequestBody.create(body, JSON)).header("Accept", "text/event-stream").build();
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong chunks = new AtomicLong();
        StringBuilder text = new StringBuilder();
        EventSources.createFactory(http).newEventSource(req, new EventSourceListener() {
            @Override
            public void onEvent(EventSource es, String id, String type, String data) {
                if ("[DONE]".equals(data)) {
                    return;
                }
                JsonObject o = JsonParser.parseString(data).getAsJsonObject();
                JsonArray choices = o.getAsJsonArray("choices");
                if (choices != null && !choices.isEmpty()) {
                    JsonElement c = choices.get(0).getAsJsonObject().getAsJsonObject("delta").get("content");
                    if (c != null && !c.isJsonNull()) {
                        text.append(c.getAsString());
                        chunks.incrementAndGet();
                    }
                }
            }

            @Override
            public void onClosed(EventSource es) {
                done.countDown();
            }

            @Override
            public void onFailure(EventSource es, Throwable t, Response response) {
                done.countDown();
            }
        });
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("baseline stream timed out");
        }
        return chunks.get();
    }

    /** Returns {ours chunks/s, baseline chunks/s}; the order alternates by round. */
    private static double[] longStream(OpenAiClient ours, OkHttpClient http, String base, int chunks, int round)
            throws InterruptedException {
        double o;
        double b;
        if (round % 2 == 0) {
            o = oursLong(ours, chunks);
            b = baseLong(http, base, chunks);
        } else {
            b = baseLong(http, base, chunks);
            o = oursLong(ours, chunks);
        }
        return new double[] {o, b};
    }

    private static double oursLong(OpenAiClient ours, int chunks) {
        AtomicLong seen = new AtomicLong();
        long t0 = System.nanoTime();
        Completion c = ours.complete(request(), new StreamListener() {
            @Override
            public void onContent(String delta) {
                seen.incrementAndGet();
            }
        });
        double secs = (System.nanoTime() - t0) / 1e9;
        if (!c.ok()) {
            throw new IllegalStateException("ours failed: " + c.error());
        }
        if (seen.get() < chunks) {
            throw new IllegalStateException("ours saw " + seen.get() + " of " + chunks + " chunks");
        }
        return chunks / secs;
    }

    private static double baseLong(OkHttpClient http, String base, int chunks) throws InterruptedException {
        long t0 = System.nanoTime();
        long n = baselineStream(http, base);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (n < chunks) {
            throw new IllegalStateException("baseline saw " + n + " of " + chunks + " chunks");
        }
        return chunks / secs;
    }

    private static double median(double[] xs) {
        return Percentiles.of(xs).p50();
    }
}
