package dev.llmworkbench.sim;

import com.google.gson.JsonElement;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A tiny test client on the JDK's HttpClient (never the project's client). */
final class SimClient {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500)).build();
    final String baseUrl;

    SimClient(Simulator sim) {
        this.baseUrl = sim.baseUrl();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request("/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<InputStream> postStream(String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request("/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Streams a request and collects its {@code data:} payloads as lines arrive (so what came before a
     * cut connection is kept); completes when the stream ends or fails.
     */
    java.util.concurrent.CompletableFuture<Result> streamLines(String body, String... headers) {
        HttpRequest.Builder b = request("/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        java.util.concurrent.CompletableFuture<Result> done = new java.util.concurrent.CompletableFuture<>();
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.Flow.Subscriber<String> lines = new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }

            @Override
            public void onError(Throwable t) {
                done.complete(new Result(List.copyOf(events), t instanceof IOException io ? io : new IOException(t)));
            }

            @Override
            public void onComplete() {
                done.complete(new Result(List.copyOf(events), null));
            }
        };
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.fromLineSubscriber(lines))
                .whenComplete((r, t) -> {
                    if (t != null) {
                        done.complete(new Result(List.copyOf(events),
                                t instanceof IOException io ? io : new IOException(t)));
                    }
                });
        return done;
    }

    /** A chat request body for {@code prompt}; {@code extra} is more JSON members ({@code "stream":true}), or empty. */
    static String body(String prompt, String extra) {
        JsonObject b = new JsonObject();
        b.addProperty("model", "qwen3-235b-a22b");
        JsonArray msgs = new JsonArray();
        JsonObject m = new JsonObject();
        m.addProperty("role", "user");
        m.addProperty("content", prompt);
        msgs.add(m);
        b.add("messages", msgs);
        String s = b.toString();
        return extra.isEmpty() ? s : s.substring(0, s.length() - 1) + "," + extra + "}";
    }

    /** {@code s} as a JSON string literal. */
    static String quote(String s) {
        return new com.google.gson.JsonPrimitive(s).toString();
    }

    static JsonObject json(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }

    /** The SSE events of a whole response: the payloads of its {@code data:} lines, in order. */
    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.startsWith("data: ")) {
                out.add(block.substring(6));
            }
        }
        return out;
    }

    /** Reads {@code data:} payloads until the stream ends or fails; what arrived before a failure is kept. */
    static Result readAll(InputStream in) {
        List<String> out = new ArrayList<>();
        IOException failure = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring(6));
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        return new Result(out, failure);
    }

    record Result(List<String> events, IOException failure) {
        boolean done() {
            return events.contains("[DONE]");
        }

        boolean anyFinishReason() {
            return chunks().stream().anyMatch(c -> c.has("choices") && !c.getAsJsonArray("choices").isEmpty()
                    && !c.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason").isJsonNull());
        }

        List<JsonObject> chunks() {
            List<JsonObject> l = new ArrayList<>();
            for (String e : events) {
                if (!e.equals("[DONE]")) {
                    l.add(json(e));
                }
            }
            return l;
        }
    }

    /** Concatenated {@code delta.<field>} of the chunks. */
    static String deltas(List<JsonObject> chunks, String field) {
        StringBuilder sb = new StringBuilder();
        for (JsonObject c : chunks) {
            if (c.has("choices") && !c.getAsJsonArray("choices").isEmpty()) {
                JsonElement d = c.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("delta").get(field);
                if (d != null && !d.isJsonNull()) {
                    sb.append(d.getAsString());
                }
            }
        }
        return sb.toString();
    }

    /** The number of chunks with a non-empty {@code delta.<field>}. */
    static int count(List<JsonObject> chunks, String field) {
        int n = 0;
        for (JsonObject c : chunks) {
            if (c.has("choices") && !c.getAsJsonArray("choices").isEmpty()) {
                JsonElement d = c.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("delta").get(field);
                if (d != null && !d.isJsonNull() && !d.getAsString().isEmpty()) {
                    n++;
                }
            }
        }
        return n;
    }
}
