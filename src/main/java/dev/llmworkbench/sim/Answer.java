package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What will be sent for one request: its {@code n} choices (choice 0 the same as with {@code n} 1), and the prompt's
 * token count. Deterministic for the model, the messages and the seed.
 */
record Answer(List<Answer.Choice> choices, int promptTokens) {
    /**
     * One choice: reasoning tokens, then answer tokens (text or tool-call arguments), cut by a stop sequence and by
     * {@code max_tokens}; with {@code logprobs}, one log probability (and its alternatives) per answer token.
     */
    record Choice(Tokens reasoning, int reasoningEmit, Tokens answer, int answerEmit, String toolName,
                  String toolCallId, String finishReason, double[] logprobs, String[][] alternatives,
                  double[][] alternativeLogprobs) {
        int total() {
            return reasoningEmit + answerEmit;
        }
    }

    int completionTokens() {
        int n = 0;
        for (Choice c : choices) {
            n += c.total();
        }
        return n;
    }

    int reasoningTokens() {
        int n = 0;
        for (Choice c : choices) {
            n += c.reasoningEmit();
        }
        return n;
    }

    /** Steps of a stream: every choice advances one token a step. */
    int steps() {
        int n = 0;
        for (Choice c : choices) {
            n = Math.max(n, c.total());
        }
        return n;
    }

    /**
     * Where {@code cut-once} cuts (the index of the first step not sent): after the reasoning and half
     * the answer of choice 0, at least one answer token; without answer tokens, after half the reasoning (at least
     * one).
     */
    int cutPoint() {
        Choice p = choices.get(0);
        if (p.answerEmit() > 0) {
            return p.reasoningEmit() + Math.max(1, p.answerEmit() / 2);
        }
        return Math.max(1, p.reasoningEmit() / 2);
    }

    static Answer plan(ChatParams r, boolean ignoreMaxTokens) {
        int promptTokens = 3;
        for (JsonElement m : r.messages()) {
            promptTokens += 4 + Tokens.count(contentText(m.getAsJsonObject()));
        }
        String conversation = r.messages().toString();
        // the model takes part, so that two models compared on one prompt answer differently
        long hash = fnv64(fnv64(fnv64(FNV_OFFSET, r.model()), "\n"), conversation) ^ (r.seed() * 0xC2B2AE3D27D4EB4FL);
        boolean chinese = lastUserIsChinese(r.messages());
        List<Choice> choices = new ArrayList<>(r.n());
        for (int i = 0; i < r.n(); i++) {
            choices.add(choice(r, hash ^ (i * 0x9E3779B97F4A7C15L), chinese, ignoreMaxTokens));
        }
        return new Answer(List.copyOf(choices), promptTokens);
    }

    private static Choice choice(ChatParams r, long hash, boolean chinese, boolean ignoreMaxTokens) {
        SplittableRandom textRnd = new SplittableRandom(hash);
        SplittableRandom reasonRnd = new SplittableRandom(hash ^ 0x5DEECE66DL);
        Tokens reasoning = null;
        int reasoningLen = 0;
        if (r.thinking()) {
            reasoningLen = 20 + reasonRnd.nextInt(81);
            if (r.thinkingBudget() != null) {
                reasoningLen = Math.min(reasoningLen, r.thinkingBudget());
            }
            reasoning = Tokens.prose(reasonRnd, reasoningLen, chinese);
        }

        int proseLen = r.simChunks() != null ? r.simChunks() : 30 + textRnd.nextInt(121);
        // vLLM's and SGLang's min_tokens and ignore_eos: an answer at least that long, or as long as max_tokens allows
        if (r.ignoreEos() && r.maxTokens() != null) {
            proseLen = Math.max(proseLen, r.maxTokens());
        }
        if (r.minTokens() != null) {
            proseLen = Math.max(proseLen, r.minTokens());
        }
        Tokens answer;
        String toolName = null;
        String toolCallId = null;
        JsonObject tool = chosenTool(r);
        if (tool != null) {
            JsonObject fn = tool.has("function") && tool.get("function").isJsonObject()
                    ? tool.getAsJsonObject("function") : new JsonObject();
            toolName = fn.has("name") && fn.get("name").isJsonPrimitive() ? fn.get("name").getAsString() : "tool";
            toolCallId = "call_" + Long.toHexString(hash & 0xFFFFFFFFFFFFL);
            JsonElement args = JsonFromSchema.generate(fn.get("parameters"), textRnd, chinese);
            if (!args.isJsonObject()) {
                JsonObject wrap = new JsonObject();
                wrap.add("value", args);
                args = wrap;
            }
            answer = Tokens.pieces(Tokens.GSON.toJson(args));
        } else if (r.responseFormat() != null && isJsonFormat(r.responseFormat())) {
            answer = Tokens.pieces(Tokens.GSON.toJson(jsonAnswer(r.responseFormat(), textRnd, proseLen, chinese)));
        } else {
            answer = Tokens.prose(textRnd, proseLen, chinese);
        }

        boolean stopped = false;
        if (toolName == null && !r.stop().isEmpty()) {
            Tokens cut = cutAtStop(answer, r.stop());
            stopped = cut != answer;
            answer = cut;
        }
        int reasoningEmit = reasoningLen;
        int answerEmit = answer.size();
        boolean cut = false;
        if (r.maxTokens() != null && !ignoreMaxTokens) {
            int max = r.maxTokens();
            if (reasoningEmit > max) {
                reasoningEmit = max;
                cut = true;
            }
            int room = max - reasoningEmit;
            if (answerEmit > room) {
                answerEmit = room;
                cut = true;
            }
        }
        String finish = cut ? "length" : stopped ? "stop" : toolName != null ? "tool_calls" : "stop";
        double[] logprobs = null;
        String[][] alternatives = null;
        double[][] alternativeLogprobs = null;
        if (r.logprobs() && toolName == null) {
            SplittableRandom lp = new SplittableRandom(hash ^ 0x1CE4E5B9L);
            logprobs = new double[answerEmit];
            alternatives = new String[answerEmit][];
            alternativeLogprobs = new double[answerEmit][];
            for (int i = 0; i < answerEmit; i++) {
                double chosen = -round4(lp.nextDouble() * lp.nextDouble() * 2.5);
                logprobs[i] = chosen;
                int k = r.topLogprobs();
                alternatives[i] = new String[k];
                alternativeLogprobs[i] = new double[k];
                double next = chosen;
                for (int j = 0; j < k; j++) {
                    if (j == 0) {
                        alternatives[i][0] = answer.text(i);
                        alternativeLogprobs[i][0] = chosen;
                    } else {
                        next = round4(next - 0.3 - lp.nextDouble() * 2);
                        alternatives[i][j] = (chinese ? "" : " ") + Tokens.word(lp, chinese);
                        alternativeLogprobs[i][j] = next;
                    }
                }
            }
        }
        return new Choice(reasoning, reasoningEmit, answer, answerEmit, toolName, toolCallId, finish, logprobs,
                alternatives, alternativeLogprobs);
    }

    private static double round4(double d) {
        return Math.round(d * 10_000) / 10_000.0;
    }

    /** The tokens before the first stop sequence (the last one cut where the sequence starts); the same when none. */
    private static Tokens cutAtStop(Tokens answer, List<String> stops) {
        String text = answer.join(answer.size());
        int at = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at < 0) {
            return answer;
        }
        int whole = 0;
        int length = 0;
        while (whole < answer.size() && length + answer.text(whole).length() <= at) {
            length += answer.text(whole).length();
            whole++;
        }
        return answer.truncated(whole, text.substring(length, at));
    }

    /** {@code choice.logprobs} of OpenAI for answer tokens [from, to) of choice {@code c}. */
    static JsonObject logprobsJson(Choice c, int from, int to) {
        JsonArray content = new JsonArray();
        for (int i = from; i < to; i++) {
            JsonObject t = tokenLogprob(c.answer().text(i), c.logprobs()[i]);
            JsonArray top = new JsonArray();
            for (int j = 0; j < c.alternatives()[i].length; j++) {
                top.add(tokenLogprob(c.alternatives()[i][j], c.alternativeLogprobs()[i][j]));
            }
            t.add("top_logprobs", top);
            content.add(t);
        }
        JsonObject o = new JsonObject();
        o.add("content", content);
        o.add("refusal", com.google.gson.JsonNull.INSTANCE);
        return o;
    }

    private static JsonObject tokenLogprob(String token, double logprob) {
        JsonObject t = new JsonObject();
        t.addProperty("token", token);
        t.addProperty("logprob", logprob);
        JsonArray bytes = new JsonArray();
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xFF);
        }
        t.add("bytes", bytes);
        return t;
    }

    private static JsonObject chosenTool(ChatParams r) {
        if (r.tools() == null || r.tools().isEmpty()) {
            return null;
        }
        JsonElement choice = r.toolChoice();
        if (choice != null && choice.isJsonPrimitive() && "none".equals(choice.getAsString())) {
            return null;
        }
        if (choice != null && choice.isJsonObject() && choice.getAsJsonObject().has("function")
                && choice.getAsJsonObject().get("function").isJsonObject()) {
            JsonElement wanted = choice.getAsJsonObject().getAsJsonObject("function").get("name");
            for (JsonElement t : r.tools()) {
                if (t.isJsonObject() && t.getAsJsonObject().has("function")
                        && t.getAsJsonObject().get("function").isJsonObject()
                        && t.getAsJsonObject().getAsJsonObject("function").get("name").equals(wanted)) {
                    return t.getAsJsonObject();
                }
            }
        }
        JsonElement first = r.tools().get(0);
        return first.isJsonObject() ? first.getAsJsonObject() : new JsonObject();
    }

    private static boolean isJsonFormat(JsonObject rf) {
        JsonElement t = rf.get("type");
        if (t == null || !t.isJsonPrimitive()) {
            return false;
        }
        String type = t.getAsString().toLowerCase(Locale.ROOT);
        return type.equals("json_object") || type.equals("json_schema");
    }

    private static JsonElement jsonAnswer(JsonObject rf, SplittableRandom rnd, int proseLen, boolean chinese) {
        if ("json_schema".equalsIgnoreCase(rf.get("type").getAsString()) && rf.has("json_schema")
                && rf.get("json_schema").isJsonObject() && rf.getAsJsonObject("json_schema").has("schema")) {
            return JsonFromSchema.generate(rf.getAsJsonObject("json_schema").get("schema"), rnd, chinese);
        }
        JsonObject o = new JsonObject();
        o.addProperty("answer", Tokens.prose(rnd, Math.max(1, proseLen / 2), chinese).join(Math.max(1, proseLen / 2)));
        o.addProperty("language", chinese ? "zh" : "en");
        return o;
    }

    private static boolean lastUserIsChinese(JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject m = messages.get(i).getAsJsonObject();
            if ("user".equals(m.get("role").getAsString())) {
                return Tokens.containsHan(contentText(m));
            }
        }
        return false;
    }

    /** The text of a message's content (and its tool calls); a plain string content as it is, not copied. */
    static String contentText(JsonObject m) {
        JsonElement c = m.get("content");
        if (c != null && c.isJsonPrimitive() && !m.has("tool_calls")) {
            return c.getAsString();
        }
        StringBuilder sb = new StringBuilder();
        if (c != null && c.isJsonPrimitive()) {
            sb.append(c.getAsString());
        } else if (c != null && c.isJsonArray()) {
            for (JsonElement part : c.getAsJsonArray()) {
                if (part.isJsonObject() && part.getAsJsonObject().has("text")
                        && part.getAsJsonObject().get("text").isJsonPrimitive()) {
                    sb.append(part.getAsJsonObject().get("text").getAsString()).append(' ');
                }
            }
        }
        JsonElement calls = m.get("tool_calls");
        if (calls != null && calls.isJsonArray()) {
            sb.append(' ').append(calls);
        }
        return sb.toString();
    }

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    /** FNV-1a over the chars of {@code s}, continuing from {@code h} (so that parts need no concatenation). */
    private static long fnv64(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
