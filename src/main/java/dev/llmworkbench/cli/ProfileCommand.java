package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.providers.ProfileService;
import dev.llmworkbench.service.providers.ProviderPreset;
import dev.llmworkbench.service.providers.ProviderService;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code profile add|list|show|remove|test}: saved provider profiles from the command line, the same ones the
 * desktop's settings show. A key is read once from the environment variable named with {@code --key-from-env}
 * and kept where the desktop keeps keys (the OS keyring, else the owner-only file); it is never printed, and
 * never written to the database: the profile only says where it is.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Save, list, show, remove and test provider profiles (use one with --profile NAME).",
        subcommands = {ProfileCommand.Add.class, ProfileCommand.ListProfiles.class, ProfileCommand.Show.class,
                ProfileCommand.Remove.class, ProfileCommand.Test.class})
public class ProfileCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: add, list, show, remove or test");
    }

    /** {@code profile add NAME --preset P ...}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Save a provider profile.")
    static class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "the profile's name (used with --profile NAME)")
        String name;

        @Option(names = "--preset", paramLabel = "P", required = true,
                description = "simulator-free preset: dashscope-intl, dashscope-cn, holysheep, openai, deepseek, "
                        + "openrouter, ollama, vllm, sglang, lmstudio, llamacpp or custom")
        String preset;

        @Option(names = "--base-url", paramLabel = "URL", converter = Converters.BaseUrlConverter.class,
                description = "replace the preset's base URL (required for custom)")
        String baseUrl;

        @Option(names = "--model", paramLabel = "M", description = "replace the preset's default model")
        String model;

        @Option(names = "--key-from-env", paramLabel = "VAR",
                description = "read the API key once from this environment variable and store it (never printed)")
        String keyFromEnv;

        @Option(names = "--header", paramLabel = "K=V", description = "a header sent with every request (repeatable)")
        Map<String, String> headers = new LinkedHashMap<>();

        @Option(names = "--body", paramLabel = "JSON", description = "top-level body fields added to every request, "
                + "as one JSON object, e.g. '{\"top_k\": 20}'")
        String body;

        @Option(names = "--dialect", paramLabel = "D", converter = Converters.DialectConverter.class,
                description = "replace the preset's dialect: dashscope, vllm, sglang, llamacpp, ollama, openrouter, "
                        + "deepseek, openai, lmstudio or generic")
        Dialect dialect;

        @Mixin
        DbOption dbOption;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ProviderPreset p = ProviderPreset.find(preset).orElseThrow(() -> new UsageException("--preset: unknown "
                    + "preset '" + preset + "' (expected one of " + ProviderPreset.ids() + ")"));
            if (p.name().equals(ProviderPreset.SIMULATOR)) {
                throw new UsageException("--preset: the embedded simulator needs no profile (leave --profile out)");
            }
            String url = baseUrl != null ? baseUrl : p.baseUrl();
            String urlProblem = ProviderProfile.baseUrlProblem(url);
            if (urlProblem != null) {
                throw new UsageException(baseUrl == null ? "--base-url is required for the " + p.id() + " preset"
                        : "--base-url: " + urlProblem);
            }
            String key = null;
            if (keyFromEnv != null) {
                String v = System.getenv(keyFromEnv);
                if (v == null || v.isBlank()) {
                    throw new UsageException("--key-from-env: the environment variable " + keyFromEnv + " is not set");
                }
                key = v.trim();
            }
            String defaultModel = model != null && !model.isBlank() ? model.trim()
                    : p.defaultModel() == null || p.defaultModel().isBlank() ? null : p.defaultModel();
            ProviderProfile profile = new ProviderProfile(name.trim(), url, defaultModel, null, headers, bodyFields(),
                    null, null, dialect != null ? dialect : p.dialect());
            try (CliServices services = new CliServices()) {
                ProviderService providers = services.providers(dbOption.file());
                if (providers.find(profile.name()).isPresent()) {
                    throw new UsageException("a profile named '" + profile.name() + "' exists already (profile remove "
                            + profile.name() + " first)");
                }
                ProviderProfile saved;
                try {
                    saved = providers.save(profile, key);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                out.println("saved profile '" + saved.name() + "': " + saved.baseUrl() + ", dialect "
                        + saved.dialect().wireName() + (saved.defaultModel() == null ? "" : ", model "
                        + saved.defaultModel()) + "; key " + (key == null ? "not set"
                        : "stored (" + providers.keyStorage() + ")"));
                return ExitCodes.OK;
            }
        }

        private Map<String, Object> bodyFields() {
            if (body == null || body.isBlank()) {
                return Map.of();
            }
            try {
                var el = JsonParser.parseString(body);
                if (!el.isJsonObject()) {
                    throw new UsageException("--body: expected one JSON object, e.g. '{\"top_k\": 20}'");
                }
                return Json.GSON.fromJson(el, new TypeToken<LinkedHashMap<String, Object>>() { }.getType());
            } catch (JsonParseException e) {
                throw new UsageException("--body: not JSON: " + UsageException.oneLine(String.valueOf(e.getMessage())));
            }
        }
    }

    /** {@code profile list [--json]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the saved profiles.")
    static class ListProfiles implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DbOption dbOption;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (CliServices services = new CliServices()) {
                ProviderService providers = services.providers(dbOption.file());
                List<ProviderProfile> all = providers.savedProfiles();
                if (json.requested()) {
                    var arr = Json.arr();
                    for (ProviderProfile p : all) {
                        arr.add(profileJson(p, keyStatus(providers, p)));
                    }
                    out.println(Json.print(arr));
                    return ExitCodes.OK;
                }
                if (all.isEmpty()) {
                    out.println("no saved profiles (add one with: profile add NAME --preset P)");
                    return ExitCodes.OK;
                }
                out.printf("%-20s %-10s %-44s %-24s %s%n", "NAME", "DIALECT", "BASE URL", "MODEL", "KEY");
                for (ProviderProfile p : all) {
                    out.printf("%-20s %-10s %-44s %-24s %s%n", p.name(), p.dialect().wireName(), p.baseUrl(),
                            p.defaultModel() == null ? "-" : p.defaultModel(), keyStatus(providers, p));
                }
                return ExitCodes.OK;
            }
        }
    }

    /** {@code profile show NAME [--json]}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one profile (the key only as set or not).")
    static class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        DbOption dbOption;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (CliServices services = new CliServices()) {
                ProviderService providers = services.providers(dbOption.file());
                ProviderProfile p = saved(providers, name);
                String key = keyStatus(providers, p);
                if (json.requested()) {
                    out.println(Json.print(profileJson(p, key)));
                    return ExitCodes.OK;
                }
                out.println("name:          " + p.name());
                out.println("base URL:      " + p.baseUrl());
                out.println("default model: " + (p.defaultModel() == null ? "-" : p.defaultModel()));
                out.println("dialect:       " + p.dialect().wireName() + " (" + p.dialect().thinkingSwitch() + ")");
                out.println("key:           " + key);
                p.extraHeaders().forEach((k, v) -> out.println("header:        " + k + ": " + v));
                if (!p.extraBody().isEmpty()) {
                    out.println("body:          " + Json.GSON.toJson(p.extraBody()));
                }
                if (p.proxy() != null) {
                    out.println("proxy:         " + p.proxy());
                }
                if (p.caCertPath() != null) {
                    out.println("CA cert:       " + p.caCertPath());
                }
                return ExitCodes.OK;
            }
        }
    }

    /** {@code profile remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a profile and its stored key.")
    static class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        DbOption dbOption;

        @Override
        public Integer call() {
            try (CliServices services = new CliServices()) {
                ProviderService providers = services.providers(dbOption.file());
                saved(providers, name);
                providers.delete(name);
                spec.commandLine().getOut().println("removed profile '" + name + "' and its stored key");
                return ExitCodes.OK;
            }
        }
    }

    /** {@code profile test NAME}: lists the models, sends one tiny request, says TTFT and what thinking did. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "List the models, send one tiny request, print TTFT and what the thinking switch did.")
    static class Test implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--model", paramLabel = "M", description = "the model to try (default: the profile's, "
                + "else the first one listed)")
        String model;

        @Option(names = "--thinking", description = "try with thinking on (default: off, the cheaper request)")
        boolean thinking;

        @Mixin
        DbOption dbOption;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (CliServices services = new CliServices()) {
                ProfileService.Resolved r;
                try {
                    r = services.profiles(dbOption.file()).resolve(name);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                ProviderProfile p = r.profile();
                ProviderService.ConnectionResult models = services.providers(dbOption.file()).testConnection(p,
                        r.key());
                if (models.ok()) {
                    List<String> ids = models.models();
                    out.println("models: " + ids.size() + " listed" + (ids.isEmpty() ? ""
                            : " (" + String.join(", ", ids.subList(0, Math.min(5, ids.size())))
                                    + (ids.size() > 5 ? ", ..." : "") + ")"));
                } else {
                    out.println("models: could not list them: " + models.error());
                }
                String m = model != null ? model : p.defaultModel() != null ? p.defaultModel()
                        : models.models().isEmpty() ? null : models.models().get(0);
                if (m == null) {
                    err.println("error: no model to try: give --model M");
                    return ExitCodes.FAILED;
                }
                ChatRequest req = ChatRequest.builder(m).user("Reply with the word OK.").maxTokens(thinking ? 256 : 16)
                        .enableThinking(thinking).stream(true).includeUsage(true).build();
                out.println("request: " + m + ", thinking " + (thinking ? "on" : "off") + " sent as "
                        + CliServices.thinkingSent(p.dialect(), thinking));
                Duration limit = Duration.ofSeconds(60);
                ChatJob job = ChatJob.of(p, r.key(), req).withTimeouts(new Timeouts(Duration.ofSeconds(10), limit,
                        Duration.ofSeconds(30), limit));
                ChatOutcome o = services.chat().start(job, ChatObserver.NONE).await();
                Completion c = o.completion();
                if (!o.ok()) {
                    err.println("error: the request failed: " + c.error().describe());
                    return ExitCodes.FAILED;
                }
                Double ttft = c.timing().ttftMs();
                out.println("ttft: " + (ttft == null ? "-" : Math.round(ttft) + " ms") + ", end-to-end: "
                        + (c.timing().e2eMs() == null ? "-" : Math.round(c.timing().e2eMs()) + " ms"));
                out.println("answer: " + UsageException.oneLine(c.text().isBlank() ? "(empty)" : c.text().strip()));
                out.println("thinking: " + thinkingVerdict(thinking, c));
                return ExitCodes.OK;
            }
        }

        private static String thinkingVerdict(boolean asked, Completion c) {
            Integer tokens = c.usage() == null ? null : c.usage().reasoningTokens();
            boolean estimated = c.usage() != null && c.usage().reasoningEstimated();
            boolean thought = !c.reasoning().isBlank() || (tokens != null && tokens > 0);
            String count = tokens == null ? c.reasoning().length() + " characters of reasoning"
                    : tokens + (estimated ? " reasoning tokens (estimated)" : " reasoning tokens");
            if (asked) {
                return thought ? "on, obeyed (" + count + ")"
                        : "on, but the reply had no reasoning (the model or server may not think, or ignores this "
                                + "dialect's switch)";
            }
            return thought ? "off, NOT obeyed: the reply had " + count + " (try another --dialect)"
                    : "off, obeyed (no reasoning in the reply)";
        }
    }

    /** The saved profile of that name; wrong usage when there is none. */
    static ProviderProfile saved(ProviderService providers, String name) {
        return providers.savedProfiles().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new UsageException("no saved profile named '" + name + "'"));
    }

    /** {@code set}, {@code not set}, or where it is read from; never the key. */
    static String keyStatus(ProviderService providers, ProviderProfile p) {
        String ref = p.keyRef();
        if (ref == null || ref.isBlank()) {
            return "not set";
        }
        if (ref.startsWith("env:")) {
            return "from the environment variable " + ref.substring(4);
        }
        return providers.hasKey(p) ? "set" : "not set (the stored key is missing)";
    }

    static JsonObject profileJson(ProviderProfile p, String keyStatus) {
        JsonObject o = new JsonObject();
        o.addProperty("name", p.name());
        o.addProperty("base_url", p.baseUrl());
        o.add("default_model", Json.str(p.defaultModel()));
        o.addProperty("dialect", p.dialect().wireName());
        o.add("headers", Json.GSON.toJsonTree(p.extraHeaders()));
        o.add("body", Json.GSON.toJsonTree(p.extraBody()));
        o.add("proxy", Json.str(p.proxy()));
        o.add("ca_cert", Json.str(p.caCertPath()));
        o.addProperty("key", keyStatus.startsWith("set") ? "set" : keyStatus.startsWith("from") ? keyStatus : "not set");
        return o;
    }
}
