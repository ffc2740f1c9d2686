package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fields of a {@code POST /v1/chat/completions} body the simulator acts on, validated as strictly as OpenAI
 * validates them, its refusals worded as OpenAI words them ({@code Invalid 'temperature': decimal above maximum
 * value. Expected a value <= 2, but got 5 instead.}), and a model it does not serve refused with 404
 * {@code model_not_found}.
 */
record ChatParams(JsonObject body, String model, JsonArray messages, boolean stream, boolean includeUsage,
                  Integer maxTokens, long seed, boolean thinking, Integer thinkingBudget, JsonArray tools,
                  JsonElement toolChoice, JsonObject responseFormat, Integer simChunks, int n, List<String> stop,
                  boolean logprobs, int topLogprobs, Integer minTokens, boolean ignoreEos) {
    static final long DEFAULT_SEED = 1234L;
    static final int MAX_N = 128;
    static final int MAX_STOP = 4;
    static final int MAX_TOP_LOGPROBS = 20;
    /** The roles OpenAI accepts, in the order its error message lists them. */
    static final List<String> ROLES = List.of("system", "assistant", "user", "function", "tool", "developer");
    private static final Set<String> ROLE_SET = Set.copyOf(ROLES);

    /** A refusal with an OpenAI-shaped body. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String param;
        final String code;

        Refusal(int status, String message, String param, String code) {
            super(message, null, false, false);
            this.status = status;
            this.param = param;
            this.code = code;
        }
    }

    private static Refusal bad(String message, String param, String code) {
        return new Refusal(400, message, param, code);
    }

    static ChatParams parse(byte[] bytes, SimConfig config) throws Refusal {
        JsonObject b;
        try {
            JsonElement el = JsonParser.parseReader(
                    new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
            if (!el.isJsonObject()) {
                throw bad("The request body must be a JSON object.", null, "invalid_json");
            }
            b = el.getAsJsonObject();
        } catch (JsonParseException e) {
            throw bad("We could not parse the JSON body of your request. (HINT: This likely means you "
                    + "aren't using your HTTP library correctly.)", null, "invalid_json");
        }
        if (!present(b, "model")) {
            throw bad("you must provide a model parameter", null, null);
        }
        String model = string(b, "model");
        JsonElement msgs = b.get("messages");
        if (msgs == null || msgs.isJsonNull()) {
            throw bad("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!msgs.isJsonArray()) {
            throw typeError("messages", "an array", msgs);
        }
        if (msgs.getAsJsonArray().isEmpty()) {
            throw bad("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty "
                    + "array instead.", "messages", "empty_array");
        }
        JsonArray messages = msgs.getAsJsonArray();
        for (int i = 0; i < messages.size(); i++) {
            JsonElement m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isJsonObject()) {
                throw typeError(at, "an object", m);
            }
            JsonElement role = m.getAsJsonObject().get("role");
            if (role == null || role.isJsonNull()) {
                throw bad("Missing required parameter: '" + at + ".role'.", at + ".role", "missing_required_parameter");
            }
            if (!role.isJsonPrimitive() || !role.getAsJsonPrimitive().isString()) {
                throw typeError(at + ".role", "one of " + String.join(", ", ROLES), role);
            }
            if (!ROLE_SET.contains(role.getAsString())) {
                throw bad("Invalid value: '" + role.getAsString() + "'. Supported values are: 'system', 'assistant', "
                        + "'user', 'function', 'tool', and 'developer'.", at + ".role", "invalid_value");
            }
        }
        boolean stream = bool(b, "stream");
        boolean includeUsage = false;
        if (present(b, "stream_options")) {
            if (!b.get("stream_options").isJsonObject()) {
                throw typeError("stream_options", "an object", b.get("stream_options"));
            }
            if (!stream) {
                throw bad("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                        "stream_options", "invalid_value");
            }
            includeUsage = bool(b.getAsJsonObject("stream_options"), "include_usage");
        }
        Integer maxTokens = integer(b, "max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = integer(b, "max_completion_tokens", 1, Integer.MAX_VALUE);
        }
        decimal(b, "temperature", 0, 2);
        decimal(b, "top_p", 0, 1);
        decimal(b, "presence_penalty", -2, 2);
        decimal(b, "frequency_penalty", -2, 2);
        Integer n = integer(b, "n", 1, MAX_N);
        long seed = DEFAULT_SEED;
        if (present(b, "seed")) {
            JsonElement s = b.get("seed");
            if (!isInteger(s)) {
                throw typeError("seed", "an integer", s);
            }
            seed = s.getAsLong();
        }
        List<String> stop = stop(b);
        boolean logprobs = bool(b, "logprobs");
        Integer topLogprobs = integer(b, "top_logprobs", 0, MAX_TOP_LOGPROBS);
        JsonArray tools = null;
        if (present(b, "tools")) {
            if (!b.get("tools").isJsonArray()) {
                throw typeError("tools", "an array", b.get("tools"));
            }
            tools = b.getAsJsonArray("tools");
        }
        JsonObject responseFormat = null;
        if (present(b, "response_format")) {
            if (!b.get("response_format").isJsonObject()) {
                throw typeError("response_format", "an object", b.get("response_format"));
            }
            responseFormat = b.getAsJsonObject("response_format");
        }
        if (!config.models().contains(model)) {
            throw new Refusal(404, "The model `" + model + "` does not exist or you do not have access to it.", null,
                    "model_not_found");
        }
        boolean thinking = SimDialects.thinking(config.dialect(), b, messages, bool(b, "enable_thinking"));
        return new ChatParams(b, model, messages, stream, includeUsage, maxTokens, seed, thinking,
                integer(b, "thinking_budget", 1, Integer.MAX_VALUE), tools, b.get("tool_choice"), responseFormat,
                integer(b, "sim_chunks", 1, Integer.MAX_VALUE), n == null ? 1 : n, stop, logprobs,
                topLogprobs == null ? 0 : topLogprobs, integer(b, "min_tokens", 0, Integer.MAX_VALUE),
                bool(b, "ignore_eos"));
    }

    private static List<String> stop(JsonObject b) throws Refusal {
        if (!present(b, "stop")) {
            return List.of();
        }
        JsonElement s = b.get("stop");
        if (s.isJsonPrimitive() && s.getAsJsonPrimitive().isString()) {
            return s.getAsString().isEmpty() ? List.of() : List.of(s.getAsString());
        }
        if (!s.isJsonArray()) {
            throw typeError("stop", "a string or an array of strings", s);
        }
        JsonArray a = s.getAsJsonArray();
        if (a.size() > MAX_STOP) {
            throw bad("Invalid 'stop': array too long. Expected an array with maximum length " + MAX_STOP
                    + ", but got an array with length " + a.size() + " instead.", "stop", "array_above_max_length");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonElement e = a.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw typeError("stop[" + i + "]", "a string", e);
            }
            if (!e.getAsString().isEmpty()) {
                out.add(e.getAsString());
            }
        }
        return List.copyOf(out);
    }

    static boolean present(JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull();
    }

    /** OpenAI's name for a JSON value's type in its type errors. */
    private static String kind(JsonElement e) {
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return "a boolean";
        }
        if (p.isString()) {
            return "a string";
        }
        return isInteger(e) ? "an integer" : "a decimal";
    }

    private static Refusal typeError(String param, String expected, JsonElement got) {
        return bad("Invalid type for '" + param + "': expected " + expected + ", but got " + kind(got) + " instead.",
                param, "invalid_type");
    }

    private static boolean isInteger(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return false;
        }
        try {
            return e.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
        } catch (NumberFormatException x) {
            return false;
        }
    }

    private static String string(JsonObject o, String name) throws Refusal {
        JsonElement e = o.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw typeError(name, "a string", e);
        }
        return e.getAsString();
    }

    private static boolean bool(JsonObject o, String name) throws Refusal {
        if (!present(o, name)) {
            return false;
        }
        JsonElement e = o.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw typeError(name, "a boolean", e);
        }
        return e.getAsBoolean();
    }

    /** An integer within [min, max], or null when absent. */
    private static Integer integer(JsonObject o, String name, int min, int max) throws Refusal {
        if (!present(o, name)) {
            return null;
        }
        JsonElement e = o.get(name);
        if (!isInteger(e)) {
            throw typeError(name, "an integer", e);
        }
        java.math.BigDecimal v = e.getAsBigDecimal();
        if (v.compareTo(java.math.BigDecimal.valueOf(min)) < 0) {
            throw bad("Invalid '" + name + "': integer below minimum value. Expected a value >= " + min + ", but got "
                    + v.toPlainString() + " instead.", name, "integer_below_min_value");
        }
        if (v.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            throw bad("Invalid '" + name + "': integer above maximum value. Expected a value <= " + max + ", but got "
                    + v.toPlainString() + " instead.", name, "integer_above_max_value");
        }
        return v.intValueExact();
    }

    /** Checks a number within [min, max] when present. */
    private static void decimal(JsonObject o, String name, double min, double max) throws Refusal {
        if (!present(o, name)) {
            return;
        }
        JsonElement e = o.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw typeError(name, "a decimal", e);
        }
        double v = e.getAsDouble();
        String got = e.getAsString();
        if (v < min) {
            throw bad("Invalid '" + name + "': decimal below minimum value. Expected a value >= " + plain(min)
                    + ", but got " + got + " instead.", name, "decimal_below_min_value");
        }
        if (v > max) {
            throw bad("Invalid '" + name + "': decimal above maximum value. Expected a value <= " + plain(max)
                    + ", but got " + got + " instead.", name, "decimal_above_max_value");
        }
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }
}
