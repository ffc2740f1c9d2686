package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code profile add --key-from-env VAR} reads the key once: later commands run in processes where the
 * variable is not set at all, and the key appears in no output, not in {@code profile show} and not in the
 * database file; it is kept in the owner-only secrets file of the (temporary) data folder, the keyring being off.
 */
class ProfileKeyTest {
    private static final String VAR = "WB_PROFILE_TEST_KEY";
    private static final String STREAM = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"authorised\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> extraEnv, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dllmworkbench.data.dir=" + dir.resolve("data"), "-Dllmworkbench.keyring=off",
                "-Djava.awt.headless=true", "dev.llmworkbench.Main"));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("err-" + UUID.randomUUID() + ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.equals(VAR) || k.equals("WORKBENCH_API_KEY") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS"));
        env.putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(err));
    }

    @Test
    void theKeyIsReadOnceStoredOutsideTheDatabaseAndShownNowhere() throws Exception {
        String key = "sk-wb-" + UUID.randomUUID().toString().replace("-", "");
        List<String> auth = new CopyOnWriteArrayList<>();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    String a = r.getHeaders().get("Authorization");
                    auth.add(String.valueOf(a));
                    if (!("Bearer " + key).equals(a)) {
                        return new MockResponse.Builder().code(401).setHeader("Content-Type", "application/json")
                                .body("{\"error\":{\"message\":\"bad key\",\"type\":\"invalid_request_error\"}}").build();
                    }
                    if (r.getUrl().encodedPath().endsWith("/models")) {
                        return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                                .body("{\"data\":[{\"id\":\"qwen3-8b\"}]}").build();
                    }
                    return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(STREAM).build();
                }
            });
            server.start();
            String db = dir.resolve("wb.db").toString();
            List<Run> runs = new ArrayList<>();
            Run add = run(Map.of(VAR, key), "profile", "add", "gw", "--preset", "vllm", "--base-url",
                    server.url("/v1").toString(), "--key-from-env", VAR, "--db", db);
            runs.add(add);
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).contains("key stored");

            // the variable is not set in any of these processes
            Run chat = run(Map.of(), "chat", "--profile", "gw", "--db", db, "--json", "hi");
            runs.add(chat);
            assertThat(chat.exit()).as(chat.err()).isZero();
            assertThat(JsonParser.parseString(chat.out()).getAsJsonObject().get("text").getAsString())
                    .isEqualTo("authorised");
            assertThat(auth).containsExactly("Bearer " + key);

            Run show = run(Map.of(), "profile", "show", "gw", "--db", db);
            runs.add(show);
            assertThat(show.out()).contains("key:           set");
            Run showJson = run(Map.of(), "profile", "show", "gw", "--json", "--db", db);
            runs.add(showJson);
            JsonObject shown = JsonParser.parseString(showJson.out()).getAsJsonObject();
            assertThat(shown.get("key").getAsString()).isEqualTo("set");
            runs.add(run(Map.of(), "profile", "list", "--db", db));
            Run test = run(Map.of(), "profile", "test", "gw", "--db", db);
            runs.add(test);
            assertThat(test.exit()).as(test.err()).isZero();
            assertThat(test.out()).contains("models: 1 listed (qwen3-8b)").contains("ttft: ")
                    .contains("chat_template_kwargs").contains("thinking: off, obeyed");

            for (Run r : runs) {
                assertThat(r.out()).doesNotContain(key);
                assertThat(r.err()).doesNotContain(key);
            }
            byte[] needle = key.getBytes(StandardCharsets.UTF_8);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith("wb.db")).toList()) {
                    assertThat(indexOf(Files.readAllBytes(f), needle)).as(f.toString()).isEqualTo(-1);
                }
            }
            Path secrets = dir.resolve("data").resolve("secrets.json");
            assertThat(Files.readString(secrets)).contains("provider:gw");
            if (secrets.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(Files.getPosixFilePermissions(secrets))
                        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            }

            // remove takes the stored key with it
            assertThat(run(Map.of(), "profile", "remove", "gw", "--db", db).exit()).isZero();
            assertThat(Files.readString(secrets)).doesNotContain("provider:gw");
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
