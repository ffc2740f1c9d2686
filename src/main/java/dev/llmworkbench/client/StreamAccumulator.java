package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gathers one completion from its chunks (or from one whole JSON body): answer and reasoning text,
 * tool calls assembled by index, the last usage seen, and the timings. Callers synchronize on it.
 *
 * <p>Timings (nanosecond ticker values): a chunk "carries text" when it adds reasoning, answer text
 * or tool-call pieces; TTFT is the first such chunk, TTFO the first adding answer text or a tool
 * call, chunk gaps lie between successive such chunks, and end-to-end is the last chunk whose
 * {@code choices} is not empty.
 */
final class StreamAccumulator {
    /** What a chunk added, to hand to the listener. */
    record Emission(String reasoning, String answer, List<ToolCall> toolCalls) {
        static final Emission NONE = new Emission("", "", List.of());

        boolean isEmpty() {
            return reasoning.isEmpty() && answer.isEmpty() && toolCalls.isEmpty();
        }
    }

    private static final class ToolBuilder {
        String id;
        String type;
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();

        ToolCall build(int index) {
            return new ToolCall(index, id, type, name.toString(), arguments.toString());
        }
    }

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final ThinkTagSplitter splitter = new ThinkTagSplitter();
    private final TreeMap<Integer, ToolBuilder> tools = new TreeMap<>();
    private final List<Double> gapsMs = new ArrayList<>();
    private String id;
    private String model;
    private String finishReason;
    private Usage usage;
    private Long firstText;
    private Long firstAnswer;
    private Long lastText;
    private Long lastChoices;
    private int textChunks;

    String finishReason() {
        return finishReason;
    }

    /** One streamed chunk; clears the chunk's {@code wantId} and {@code wantModel} once this knows them. */
    Emission onChunk(Chunk chunk, long now) {
        if (id == null) {
            id = chunk.id;
        }
        if (model == null) {
            model = chunk.model;
        }
        chunk.wantId = id == null;
        chunk.wantModel = model == null;
        if (chunk.usage != null) {
            usage = chunk.usage; // repeated usage: the last one wins, counted once
        }
        if (!chunk.choices) {
            return Emission.NONE;
        }
        lastChoices = now;
        Chunk.Choice choice = chunk.choice;
        if (choice == null) {
            return Emission.NONE;
        }
        if (choice.finishReason != null) {
            finishReason = choice.finishReason;
        }
        return choice.hasDelta ? applyDelta(choice.content, choice.reasoningText(), choice.toolCalls, now)
                : Emission.NONE;
    }

    /** A whole (non-streamed) completion body. */
    Emission onWhole(JsonObject body, long now) {
        readEnvelope(body);
        JsonArray choices = Json.arr(body, "choices");
        lastChoices = now;
        JsonObject choice = choices == null ? null : Chunk.firstChoice(choices);
        if (choice == null) {
            return Emission.NONE;
        }
        String fr = Json.str(choice, "finish_reason");
        if (fr != null) {
            finishReason = fr;
        }
        JsonObject message = Json.obj(choice, "message");
        if (message == null) {
            message = Json.obj(choice, "delta");
        }
        Emission a = message == null ? Emission.NONE : applyDelta(Json.str(message, "content"),
                Chunk.reasoningOf(message), Json.arr(message, "tool_calls"), now);
        Emission b = finish();
        return new Emission(a.reasoning() + b.reasoning(), a.answer() + b.answer(), a.toolCalls());
    }

    /** Flushes text held back while looking for a split tag. */
    Emission finish() {
        ThinkTagSplitter.Out out = splitter.finish();
        reasoning.append(out.reasoning());
        text.append(out.answer());
        return new Emission(out.reasoning(), out.answer(), List.of());
    }

    private void readEnvelope(JsonObject o) {
        if (id == null) {
            id = Json.str(o, "id");
        }
        if (model == null) {
            model = Json.str(o, "model");
        }
        JsonObject u = Json.obj(o, "usage");
        if (u != null) {
            usage = parseUsage(u); // repeated usage: the last one wins, counted once
        }
    }

    /** A delta's (or message's) content, reasoning and tool calls. */
    private Emission applyDelta(String content, String rc, JsonArray calls, long now) {
        ThinkTagSplitter.Out out = splitter.accept(content);
        if (out.relabelEarlier()) {
            reasoning.append(text);
            text.setLength(0);
            firstAnswer = null;
        }
        // no StringBuilder per chunk: this runs for every chunk of every stream
        String r = rc == null ? out.reasoning() : out.reasoning().isEmpty() ? rc : rc + out.reasoning();
        reasoning.append(r);
        text.append(out.answer());

        List<ToolCall> changed = List.of();
        if (calls != null) {
            changed = new ArrayList<>();
            int position = 0;
            for (JsonElement el : calls) {
                if (!el.isJsonObject()) {
                    position++;
                    continue;
                }
                JsonObject t = el.getAsJsonObject();
                Integer idx = Json.integer(t, "index");
                int index = idx != null ? idx : position;
                position++;
                ToolBuilder b = tools.computeIfAbsent(index, k -> new ToolBuilder());
                String callId = Json.str(t, "id");
                if (callId != null && !callId.isEmpty() && b.id == null) {
                    b.id = callId;
                }
                String type = Json.str(t, "type");
                if (type != null && b.type == null) {
                    b.type = type;
                }
                JsonObject fn = Json.obj(t, "function");
                if (fn != null) {
                    String name = Json.str(fn, "name");
                    if (name != null) {
                        b.name.append(name);
                    }
                    String args = Json.str(fn, "arguments");
                    if (args != null) {
                        b.arguments.append(args);
                    }
                }
                changed.add(b.build(index));
            }
        }
        boolean anyAnswer = !out.answer().isEmpty() || !changed.isEmpty();
        boolean anyText = !r.isEmpty() || anyAnswer;
        if (anyText) {
            textChunks++;
            if (firstText == null) {
                firstText = now;
            }
            if (lastText != null) {
                gapsMs.add((now - lastText) / 1e6);
            }
            lastText = now;
        }
        if (anyAnswer && firstAnswer == null) {
            firstAnswer = now;
        }
        return anyText ? new Emission(r, out.answer(), changed) : Emission.NONE;
    }

    static Usage parseUsage(JsonObject u) {
        Integer reasoningTokens = Json.integer(Json.obj(u, "completion_tokens_details"), "reasoning_tokens");
        if (reasoningTokens == null) {
            reasoningTokens = Json.integer(u, "reasoning_tokens");
        }
        Integer cached = Json.integer(Json.obj(u, "prompt_tokens_details"), "cached_tokens");
        if (cached == null) {
            cached = Json.integer(u, "cached_tokens");
        }
        return new Usage(Json.integer(u, "prompt_tokens"), Json.integer(u, "completion_tokens"),
                Json.integer(u, "total_tokens"), reasoningTokens, cached, false);
    }

    /** The completion so far; {@code streamed} false means one whole body (no TPOT). */
    Completion snapshot(String requestModel, ApiError error, Integer status, Map<String, String> headers,
                        long start, long now, boolean streamed) {
        List<ToolCall> calls = new ArrayList<>();
        tools.forEach((i, b) -> calls.add(b.build(i)));
        Double e2e = ms(lastChoices, start);
        // one whole body: there is no first token to time, only the end (no TTFT is invented)
        Double ttft = streamed ? ms(firstText, start) : null;
        Double ttfo = streamed ? ms(firstAnswer, start) : null;
        Integer outputTokens;
        if (usage != null && usage.completionTokens() != null) {
            outputTokens = usage.completionTokens();
        } else {
            outputTokens = streamed && textChunks > 0 ? textChunks : null;
        }
        Double tpot = streamed ? Timing.tpot(ttft, e2e, outputTokens) : null;
        double total = e2e != null ? e2e : Math.max(0, (now - start) / 1e6);
        Timing timing = new Timing(ttft, ttfo, e2e, tpot, gapsMs, outputTokens, 0, total);
        return new Completion(id, model != null ? model : requestModel, text.toString(), reasoning.toString(), calls,
                finishReason, usage, timing, error, status, headers);
    }

    private static Double ms(Long t, long start) {
        return t == null ? null : Math.max(0, (t - start) / 1e6);
    }
}
