package dev.llmworkbench.service.eval;

import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.EvalStore;
import dev.llmworkbench.store.RunStore;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A grid's setup: the grid stored for a plan (an {@code eval} run, one batch job per column, one item per row), and
 * what each column sends: the messages of a row, the column's batch settings (model, parameters, concurrency,
 * limits), the provider's profile and key. Keys written literally in a configuration (or passed by the desktop) are
 * kept in memory for this service's runs, never stored.
 */
final class GridSetup {
    private final EvalStore evals;
    private final BatchStore batches;
    private final RunStore runs;
    private final GridReader reader;
    private final Function<String, String> env;
    private final Map<String, Map<EvalPlan.Provider, ApiKey>> literalKeys = new ConcurrentHashMap<>();

    GridSetup(EvalStore evals, BatchStore batches, RunStore runs, GridReader reader, Function<String, String> env) {
        this.evals = evals;
        this.batches = batches;
        this.runs = runs;
        this.reader = reader;
        this.env = env;
    }

    /** Stores a new grid for the plan (see {@link EvalService#create}); a failure leaves nothing stored. */
    EvalGrid create(PromptfooImport.Imported imported, Path config) {
        EvalPlan plan = imported.plan();
        String configPath = config == null ? null : config.toAbsolutePath().toString();
        List<String> models = plan.providers().stream().map(EvalPlan.Provider::model).distinct().toList();
        String providers = String.join(", ", plan.providers().stream().map(EvalPlan.Provider::name).toList());
        String title = plan.title() != null ? plan.title()
                : "eval " + (config == null || config.getFileName() == null ? "" : config.getFileName());
        JsonObject settings = new JsonObject();
        settings.addProperty("config", configPath);
        settings.addProperty("columns", plan.columnCount());
        settings.addProperty("rows", plan.cases().size());
        RunRecord run = runs.create(RunKind.EVAL, title, configPath, providers, models, settings.toString());
        try {
            EvalStore.GridRecord grid = evals.createGrid(run.id(), configPath, plan.toJson());
            for (int col = 0; col < plan.columnCount(); col++) {
                EvalPlan.Prompt prompt = plan.promptOf(col);
                EvalPlan.Provider pv = plan.providerOf(col);
                List<BatchItemRecord.New> items = new ArrayList<>();
                for (int row = 0; row < plan.cases().size(); row++) {
                    EvalPlan.Case c = plan.cases().get(row);
                    BatchRow br = new BatchRow(messages(prompt, c), pv.model(), pv.maxTokens(), pv.temperature(), null,
                            null, List.of());
                    items.add(BatchItemRecord.New.valid(row + 1, "row-" + (row + 1), br.toJson()));
                }
                BatchJobRecord job = batches.createJob(run.id(), configPath, null, "jsonl",
                        columnSettings(plan, col, EvalService.Options.defaults(), null).toJson(), items);
                List<Long> ids = batches.items(job.id()).stream().map(BatchItemRecord::id).toList();
                evals.addColumn(grid.id(), col, job.id(), ids);
            }
            if (!imported.literalKeys().isEmpty()) {
                literalKeys.put(grid.id(), Map.copyOf(imported.literalKeys()));
            }
            return reader.grid(grid.id());
        } catch (RuntimeException e) {
            try {
                runs.delete(run.id()); // its grid, jobs and cells with it
            } catch (RuntimeException d) {
                e.addSuppressed(d);
            }
            throw e;
        }
    }

    /** Adds keys for a grid's providers, in memory only (see {@link EvalService#useKeys}). */
    void useKeys(String gridId, Map<EvalPlan.Provider, ApiKey> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Map<EvalPlan.Provider, ApiKey> all = new HashMap<>(literalKeys.getOrDefault(gridId, Map.of()));
        all.putAll(keys);
        literalKeys.put(gridId, Map.copyOf(all));
    }

    /** The provider's key: written in the configuration (this session only), else its variable's; null: none. */
    ApiKey key(String gridId, EvalPlan.Provider pv) {
        ApiKey literal = literalKeys.getOrDefault(gridId, Map.of()).get(pv);
        if (literal != null) {
            return literal;
        }
        return pv.apiKeyEnv() == null ? null : ApiKey.ofNullable(env.apply(pv.apiKeyEnv()));
    }

    static ProviderProfile profile(EvalPlan.Provider pv) {
        return ProviderProfile.of(pv.name(), pv.baseUrl());
    }

    /** Requests in flight per column: the options', else the configuration's, else 4. */
    static int concurrency(EvalPlan plan, EvalService.Options o) {
        return o.concurrency() != null ? o.concurrency() : plan.concurrency() != null ? plan.concurrency() : 4;
    }

    /** How the batch engine runs a column, with the budget it may spend (null: none). */
    static BatchSettings columnSettings(EvalPlan plan, int col, EvalService.Options o, BigDecimal budget) {
        EvalPlan.Provider pv = plan.providerOf(col);
        boolean local = loopback(pv.baseUrl());
        Integer rpm = o.rpm() != null ? o.rpm() : local ? Integer.valueOf(1_000_000) : null;
        Long tpm = o.tpm() != null ? o.tpm() : local ? Long.valueOf(1_000_000_000_000L) : null;
        return new BatchSettings(pv.model(), false, pv.maxTokens(), concurrency(plan, o), rpm, tpm, budget,
                Priority.BATCH, pv.baseUrl(), pv.apiKeyEnv(), null, null);
    }

    /** A server on this machine (the simulator, a local vLLM): no limit unless asked. */
    static boolean loopback(String baseUrl) {
        try {
            String host = URI.create(baseUrl).getHost();
            return host != null && (host.equalsIgnoreCase("localhost") || InetAddress.getByName(host).isLoopbackAddress());
        } catch (IllegalArgumentException | java.net.UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** The messages a prompt sends for a row: its template filled; a JSON conversation message by message. */
    static List<Message> messages(EvalPlan.Prompt prompt, EvalPlan.Case c) {
        Map<String, String> vars = c.vars();
        String prefix = c.prefix() == null ? "" : c.prefix();
        String suffix = c.suffix() == null ? "" : c.suffix();
        if (PromptfooPrompts.isJsonArray(prompt.raw())) {
            List<Map<String, Object>> list = EvalExport.GSON.fromJson(prompt.raw(),
                    new TypeToken<List<Map<String, Object>>>() { }.getType());
            List<Message> out = new ArrayList<>();
            int lastUser = -1;
            for (Map<String, Object> m : list) {
                Object role = m.get("role");
                Object content = m.get("content");
                if (role == null || !(content instanceof String s)) {
                    throw new EvalConfigException("the conversation prompt '" + prompt.label()
                            + "' has a message without a role or a text content");
                }
                Role r;
                try {
                    r = Role.fromWire(role.toString());
                } catch (IllegalArgumentException e) {
                    throw new EvalConfigException("the conversation prompt '" + prompt.label() + "': " + e.getMessage());
                }
                if (r == Role.USER) {
                    lastUser = out.size();
                }
                out.add(new Message(r, PromptTemplates.fill(s, vars), List.of(), null));
            }
            if (lastUser >= 0 && (!prefix.isEmpty() || !suffix.isEmpty())) {
                Message u = out.get(lastUser);
                out.set(lastUser, new Message(Role.USER, prefix + u.content() + suffix, List.of(), null));
            }
            return out;
        }
        return List.of(Message.user(prefix + PromptTemplates.fill(prompt.raw(), vars) + suffix));
    }
}
