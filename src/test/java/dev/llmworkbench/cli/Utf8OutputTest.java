package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.RunStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: with no locale (cron, systemd, containers: LANG=C) the command line wrote every non-ASCII
 * character as '?', so --json printed JSON that had lost data. A child JVM in the C locale must print
 * valid UTF-8.
 */
class Utf8OutputTest {
    private static final String TITLE = "跳过了懒狗 🦊";

    @TempDir
    Path dir;

    @Test
    void jsonIsUtf8WhateverTheLocale() throws Exception {
        Path db = dir.resolve("wb.db");
        try (Database d = Database.open(db)) {
            new RunStore(d).create(RunKind.SINGLE, TITLE, "prompt " + TITLE, "simulator", List.of("qwen3-235b-a22b"),
                    "{}");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.llmworkbench.Main", "history", "list", "--json", "--db", db.toString())
                .redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
        env.put("LANG", "C");
        env.put("LC_ALL", "C");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(text).contains(TITLE).doesNotContain("?????");
        JsonArray runs = JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("runs");
        assertThat(runs.get(0).getAsJsonObject().get("title").getAsString()).isEqualTo(TITLE);
    }
}
