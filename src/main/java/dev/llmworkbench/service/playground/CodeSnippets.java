package dev.llmworkbench.service.playground;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.Map;
import java.util.Set;

/**
 * "View code": the current request as curl, Python ({@code openai}) and Java (OkHttp). The key is
 * always an environment variable reference, never the key itself. A {@code null} base URL means the
 * embedded simulator: the code then says how to start it ({@value #SIM_COMMAND}) and reads its port from
 * {@value #SIM_PORT_VAR} (default {@value #SIM_DEFAULT_PORT}), never the app's own temporary port. Pure functions.
 */
public final class CodeSnippets {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    /** Arguments the {@code openai} Python package takes by name; anything else goes to {@code extra_body}. */
    private static final Set<String> PYTHON_ARGS = Set.of("model", "messages", "temperature", "top_p", "max_tokens",
            "stop", "seed", "stream", "stream_options", "response_format", "tools", "tool_choice", "n",
            "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "user", "logit_bias", "reasoning_effort");

    /** How a person starts the simulator the code talks to. */
    public static final String SIM_COMMAND = "llm-workbench sim --port 8089";
    /** The environment variable with the simulator's port. */
    public static final String SIM_PORT_VAR = "WORKBENCH_SIM_PORT";
    public static final String SIM_DEFAULT_PORT = "8089";

    private CodeSnippets() {
    }

    /**
     * @param baseUrl      e.g. {@code https://dashscope-intl.aliyuncs.com/compatible-mode/v1}
     * @param requestJson  the exact JSON body (it never holds the key)
     * @param keyEnvVar    the environment variable holding the key
     * @param extraHeaders the profile's extra headers (never credentials)
     */
    public static String curl(String baseUrl, String requestJson, String keyEnvVar, Map<String, String> extraHeaders) {
        StringBuilder sb = new StringBuilder();
        if (baseUrl == null) {
            sb.append("# the embedded simulator: start it with ").append(SIM_COMMAND).append('\n');
            sb.append("curl \"http://127.0.0.1:${").append(SIM_PORT_VAR).append(":-").append(SIM_DEFAULT_PORT)
                    .append("}/v1/chat/completions\" \\\n");
        } else {
            sb.append("curl ").append(quoteSh(baseUrl + "/chat/completions")).append(" \\\n");
        }
        sb.append("  -H \"Authorization: Bearer $").append(keyEnvVar).append("\" \\\n");
        sb.append("  -H 'Content-Type: application/json' \\\n");
        for (Map.Entry<String, String> h : extraHeaders.entrySet()) {
            sb.append("  -H ").append(quoteSh(h.getKey() + ": " + h.getValue())).append(" \\\n");
        }
        JsonObject body = JsonParser.parseString(requestJson).getAsJsonObject();
        if (body.has("stream") && body.get("stream").getAsBoolean()) {
            sb.append("  -N \\\n");
        }
        sb.append("  -d ").append(quoteSh(PRETTY.toJson(body)));
        return sb.append('\n').toString();
    }

    public static String python(String baseUrl, String requestJson, String keyEnvVar, Map<String, String> extraHeaders) {
        JsonObject body = JsonParser.parseString(requestJson).getAsJsonObject();
        StringBuilder sb = new StringBuilder("import os\nfrom openai import OpenAI\n\n");
        if (baseUrl == null) {
            sb.append("# the embedded simulator: start it with ").append(SIM_COMMAND).append('\n');
        }
        sb.append("client = OpenAI(\n    base_url=").append(baseUrl == null
                        ? "f\"http://127.0.0.1:{os.environ.get('" + SIM_PORT_VAR + "', '" + SIM_DEFAULT_PORT + "')}/v1\""
                        : py(new JsonPrimitive(baseUrl), 1))
                .append(",\n    api_key=os.environ[\"").append(keyEnvVar).append("\"],\n");
        if (!extraHeaders.isEmpty()) {
            JsonObject h = new JsonObject();
            extraHeaders.forEach(h::addProperty);
            sb.append("    default_headers=").append(py(h, 1)).append(",\n");
        }
        sb.append(")\n\nresponse = client.chat.completions.create(\n");
        JsonObject extra = new JsonObject();
        for (Map.Entry<String, JsonElement> e : body.entrySet()) {
            if (PYTHON_ARGS.contains(e.getKey())) {
                sb.append("    ").append(e.getKey()).append('=').append(py(e.getValue(), 1)).append(",\n");
            } else {
                extra.add(e.getKey(), e.getValue());
            }
        }
        if (!extra.isEmpty()) {
            sb.append("    extra_body=").append(py(extra, 1)).append(",\n");
        }
        sb.append(")\n");
        boolean stream = body.has("stream") && body.get("stream").getAsBoolean();
        if (stream) {
            sb.append("for chunk in response:\n")
                    .append("    if chunk.choices and chunk.choices[0].delta.content:\n")
                    .append("        print(chunk.choices[0].delta.content, end=\"\", flush=True)\n")
                    .append("print()\n");
        } else {
            sb.append("print(response.choices[0].message.content)\n");
        }
        return sb.toString();
    }

    public static String java(String baseUrl, String requestJson, String keyEnvVar, Map<String, String> extraHeaders) {
        String pretty = PRETTY.toJson(JsonParser.parseString(requestJson));
        StringBuilder sb = new StringBuilder();
        sb.append("import okhttp3.MediaType;\nimport okhttp3.OkHttpClient;\nimport okhttp3.Request;\n")
                .append("import okhttp3.RequestBody;\nimport okhttp3.Response;\n\n")
                .append(baseUrl == null ? "// the embedded simulator: start it with " + SIM_COMMAND + "\n" : "")
                .append("public class ChatRequestExample {\n")
                .append("    public static void main(String[] args) throws Exception {\n")
                .append("        String body = \"\"\"\n");
        for (String line : pretty.split("\n")) {
            sb.append("            ").append(line.replace("\\", "\\\\")).append('\n');
        }
        sb.append("            \"\"\";\n")
                .append("        Request request = new Request.Builder()\n")
                .append("                .url(").append(baseUrl == null
                        ? "\"http://127.0.0.1:\" + System.getenv().getOrDefault(\"" + SIM_PORT_VAR + "\", \""
                                + SIM_DEFAULT_PORT + "\") + \"/v1/chat/completions\""
                        : javaString(baseUrl + "/chat/completions")).append(")\n")
                .append("                .header(\"Authorization\", \"Bearer \" + System.getenv(\"").append(keyEnvVar)
                .append("\"))\n");
        for (Map.Entry<String, String> h : extraHeaders.entrySet()) {
            sb.append("                .header(").append(javaString(h.getKey())).append(", ")
                    .append(javaString(h.getValue())).append(")\n");
        }
        sb.append("                .post(RequestBody.create(body, MediaType.get(\"application/json\")))\n")
                .append("                .build();\n")
                .append("        try (Response response = new OkHttpClient().newCall(request).execute()) {\n")
                .append("            System.out.println(response.body().string());\n")
                .append("        }\n    }\n}\n");
        return sb.toString();
    }

    private static String quoteSh(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String javaString(String s) {
        return PRETTY.toJson(new JsonPrimitive(s));
    }

    /** A JSON value as a Python literal. */
    static String py(JsonElement e, int indent) {
        if (e == null || e.isJsonNull()) {
            return "None";
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean() ? "True" : "False";
            }
            return PRETTY.toJson(p); // numbers and strings read the same in Python
        }
        String pad = "    ".repeat(indent + 1);
        String end = "    ".repeat(indent);
        StringBuilder sb = new StringBuilder();
        if (e.isJsonArray()) {
            if (e.getAsJsonArray().isEmpty()) {
                return "[]";
            }
            sb.append("[\n");
            for (JsonElement x : e.getAsJsonArray()) {
                sb.append(pad).append(py(x, indent + 1)).append(",\n");
            }
            return sb.append(end).append(']').toString();
        }
        JsonObject o = e.getAsJsonObject();
        if (o.isEmpty()) {
            return "{}";
        }
        sb.append("{\n");
        for (Map.Entry<String, JsonElement> x : o.entrySet()) {
            sb.append(pad).append(PRETTY.toJson(new JsonPrimitive(x.getKey()))).append(": ")
                    .append(py(x.getValue(), indent + 1)).append(",\n");
        }
        return sb.append(end).append('}').toString();
    }
}
