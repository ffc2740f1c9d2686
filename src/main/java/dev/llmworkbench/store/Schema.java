package dev.llmworkbench.store;

import java.util.List;

/**
 * The schema as an ordered list of migrations; {@code PRAGMA user_version} holds the number of the
 * last one applied. Never edit a released migration: append a new one.
 */
public final class Schema {
    private Schema() {
    }

    /** One step of the schema: the statements that take version {@code version - 1} to {@code version}. */
    public record Migration(int version, String description, List<String> statements) {
        public Migration {
            statements = List.copyOf(statements);
        }
    }

    public static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "profiles, settings, runs and results", List.of(
                    """
                    CREATE TABLE provider_profiles (
                      name TEXT PRIMARY KEY,
                      base_url TEXT NOT NULL,
                      default_model TEXT,
                      key_ref TEXT,
                      extra_headers_json TEXT NOT NULL DEFAULT '{}',
                      extra_body_json TEXT NOT NULL DEFAULT '{}',
                      proxy TEXT,
                      ca_cert_path TEXT,
                      updated_at INTEGER NOT NULL
                    )""",
                    """
                    CREATE TABLE settings (
                      key TEXT PRIMARY KEY,
                      value_json TEXT NOT NULL,
                      updated_at INTEGER NOT NULL
                    )""",
                    """
                    CREATE TABLE runs (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      kind TEXT NOT NULL CHECK (kind IN ('single', 'compare', 'batch', 'benchmark')),
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL,
                      title TEXT,
                      prompt TEXT,
                      provider TEXT,
                      models_json TEXT NOT NULL DEFAULT '[]',
                      settings_json TEXT NOT NULL DEFAULT '{}',
                      status TEXT NOT NULL,
                      summary_json TEXT
                    )""",
                    "CREATE INDEX runs_created ON runs(created_at)",
                    """
                    CREATE TABLE results (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                      model TEXT,
                      provider TEXT,
                      request_json TEXT,
                      response_text TEXT,
                      reasoning TEXT,
                      tool_calls_json TEXT,
                      finish_reason TEXT,
                      prompt_tokens INTEGER,
                      completion_tokens INTEGER,
                      total_tokens INTEGER,
                      reasoning_tokens INTEGER,
                      cached_tokens INTEGER,
                      usage_estimated INTEGER NOT NULL DEFAULT 0,
                      ttft_ms REAL,
                      ttfo_ms REAL,
                      tpot_ms REAL,
                      e2e_ms REAL,
                      queue_ms REAL,
                      total_ms REAL,
                      output_tokens INTEGER,
                      chunk_gaps_json TEXT,
                      cost_usd TEXT,
                      attempts_json TEXT NOT NULL DEFAULT '[]',
                      error_kind TEXT,
                      error_status INTEGER,
                      error_code TEXT,
                      error_message TEXT,
                      error_retryable INTEGER,
                      started_at INTEGER,
                      ended_at INTEGER
                    )""",
                    "CREATE INDEX results_run ON results(run_id, id)")),
            new Migration(2, "batch jobs and their items", List.of(
                    """
                    CREATE TABLE batch_jobs (
                      id TEXT PRIMARY KEY,
                      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                      input_path TEXT,
                      output_path TEXT,
                      format TEXT,
                      settings_json TEXT NOT NULL DEFAULT '{}',
                      status TEXT NOT NULL
                        CHECK (status IN ('pending', 'running', 'paused', 'done', 'cancelled', 'interrupted')),
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL
                    )""",
                    "CREATE INDEX batch_jobs_run ON batch_jobs(run_id)",
                    """
                    CREATE TABLE batch_items (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      job_id TEXT NOT NULL REFERENCES batch_jobs(id) ON DELETE CASCADE,
                      seq INTEGER NOT NULL,
                      line INTEGER,
                      request_id TEXT,
                      status TEXT NOT NULL
                        CHECK (status IN ('pending', 'in_flight', 'done', 'failed', 'not_run', 'invalid')),
                      row_json TEXT,
                      invalid_reason TEXT,
                      reserved_usd TEXT,
                      reserved_tokens INTEGER,
                      updated_at INTEGER NOT NULL,
                      UNIQUE (job_id, seq)
                    )""",
                    "CREATE INDEX batch_items_status ON batch_items(job_id, status, seq)",
                    "ALTER TABLE results ADD COLUMN item_id INTEGER REFERENCES batch_items(id) ON DELETE SET NULL",
                    // at most one stored result per batch item, whatever the caller does
                    "CREATE UNIQUE INDEX results_item ON results(item_id) WHERE item_id IS NOT NULL")),
            new Migration(3, "answer checks, price overrides, budget spend, prompt library", List.of(
                    "ALTER TABLE results ADD COLUMN check_result TEXT CHECK (check_result IN ('pass', 'fail'))",
                    "ALTER TABLE results ADD COLUMN check_detail TEXT",
                    """
                    CREATE TABLE price_overrides (
                      provider TEXT NOT NULL,
                      model TEXT NOT NULL,
                      price_json TEXT NOT NULL,
                      updated_at INTEGER NOT NULL,
                      PRIMARY KEY (provider, model)
                    )""",
                    """
                    CREATE TABLE budget_spend (
                      day TEXT NOT NULL,
                      priority TEXT NOT NULL,
                      spent_usd TEXT NOT NULL,
                      PRIMARY KEY (day, priority)
                    )""",
                    """
                    CREATE TABLE budget_tokens (
                      hour_start INTEGER PRIMARY KEY,
                      tokens INTEGER NOT NULL
                    )""",
                    """
                    CREATE TABLE prompts (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      name TEXT NOT NULL,
                      version INTEGER NOT NULL,
                      system_text TEXT,
                      user_text TEXT,
                      variables_json TEXT NOT NULL DEFAULT '{}',
                      parameters_json TEXT NOT NULL DEFAULT '{}',
                      created_at INTEGER NOT NULL,
                      UNIQUE (name, version)
                    )""")),
            new Migration(4, "a running batch's changed items read by time", List.of(
                    "CREATE INDEX batch_items_updated ON batch_items(job_id, updated_at)")),
            new Migration(5, "the history's requests by when they ended (an estimate's requests per day)", List.of(
                    "CREATE INDEX results_ended ON results(ended_at)")),
            // null for profiles saved before: read as the dialect their base URL suggests
            new Migration(6, "a provider profile's dialect (how it spells the thinking switch)", List.of(
                    "ALTER TABLE provider_profiles ADD COLUMN dialect TEXT")),
            // a job run on a provider's batch engine: its shards, and which shard each row went in
            new Migration(7, "provider batch jobs: shards and the shard of each item", List.of(
                    "ALTER TABLE batch_jobs ADD COLUMN engine TEXT NOT NULL DEFAULT 'live'",
                    "ALTER TABLE batch_jobs ADD COLUMN remote_json TEXT",
                    """
                    CREATE TABLE remote_shards (
                      job_id TEXT NOT NULL REFERENCES batch_jobs(id) ON DELETE CASCADE,
                      shard_no INTEGER NOT NULL,
                      model TEXT,
                      thinking INTEGER,
                      file_path TEXT,
                      file_sha256 TEXT,
                      line_count INTEGER NOT NULL,
                      byte_count INTEGER NOT NULL,
                      file_id TEXT,
                      batch_id TEXT,
                      state TEXT NOT NULL CHECK (state IN ('planned', 'uploading', 'uploaded', 'creating',
                        'submitted', 'reconciled', 'not_submitted')),
                      provider_status TEXT,
                      total INTEGER NOT NULL DEFAULT 0,
                      completed INTEGER NOT NULL DEFAULT 0,
                      failed INTEGER NOT NULL DEFAULT 0,
                      output_file_id TEXT,
                      error_file_id TEXT,
                      error TEXT,
                      reserved_usd TEXT,
                      submitted_at INTEGER,
                      updated_at INTEGER NOT NULL,
                      PRIMARY KEY (job_id, shard_no)
                    )""",
                    "ALTER TABLE batch_items ADD COLUMN shard_no INTEGER",
                    "ALTER TABLE batch_items ADD COLUMN not_run_reason TEXT",
                    "CREATE INDEX batch_items_shard ON batch_items(job_id, shard_no, seq)")),
            // a request cancelled mid-stream is billed for what it streamed while its row stays not run
            new Migration(8, "what a batch row's attempts without a result were billed", List.of(
                    "ALTER TABLE batch_items ADD COLUMN billed_usd TEXT")),
            // an evaluation grid: one run of kind 'eval'; each column (prompt x provider x parameters) is a batch
            // job of that run, each cell one item of its column's job (its answer, cost and latency are the item's
            // result); the cell adds the checks' verdicts and what the judge model cost
            new Migration(9, "evaluation grids: the 'eval' run kind, grids, columns and cells", List.of(
                    // widens the CHECK of runs.kind (SQLite cannot ALTER a CHECK): the documented procedure for a
                    // change that leaves every stored row valid (sqlite.org/lang_altertable.html, section 7); the
                    // table is not rebuilt, so nothing cascades to results or batch jobs
                    "PRAGMA writable_schema = ON",
                    """
                    UPDATE sqlite_schema SET sql = replace(sql, '''batch'', ''benchmark'')',
                      '''batch'', ''benchmark'', ''eval'')')
                    WHERE type = 'table' AND name = 'runs'""",
                    "PRAGMA writable_schema = RESET",
                    """
                    CREATE TABLE eval_grids (
                      id TEXT PRIMARY KEY,
                      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                      config_path TEXT,
                      plan_json TEXT NOT NULL,
                      status TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL
                    )""",
                    "CREATE INDEX eval_grids_run ON eval_grids(run_id)",
                    """
                    CREATE TABLE eval_columns (
                      grid_id TEXT NOT NULL REFERENCES eval_grids(id) ON DELETE CASCADE,
                      col INTEGER NOT NULL,
                      job_id TEXT NOT NULL REFERENCES batch_jobs(id) ON DELETE CASCADE,
                      PRIMARY KEY (grid_id, col)
                    )""",
                    """
                    CREATE TABLE eval_cells (
                      grid_id TEXT NOT NULL REFERENCES eval_grids(id) ON DELETE CASCADE,
                      col INTEGER NOT NULL,
                      row INTEGER NOT NULL,
                      item_id INTEGER NOT NULL REFERENCES batch_items(id) ON DELETE CASCADE,
                      checks_json TEXT,
                      pass INTEGER,
                      judge_cost_usd TEXT,
                      updated_at INTEGER NOT NULL,
                      PRIMARY KEY (grid_id, col, row)
                    )""",
                    "CREATE UNIQUE INDEX eval_cells_item ON eval_cells(item_id)")));

    /** The version a fully migrated database has. */
    public static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }
}
