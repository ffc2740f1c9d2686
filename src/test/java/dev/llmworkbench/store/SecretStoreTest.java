package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {
    private static final String KEY = "sk-test-0123456789abcdef";

    @TempDir
    Path dir;

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void theFileStoreKeepsSecretsInAnOwnerOnlyFile() throws IOException {
        assumeTrue(posix(dir), "POSIX permissions");
        Path file = dir.resolve("data/secrets.json");
        FileSecretStore s = new FileSecretStore(file);
        assertThat(s.load("dashscope")).isEmpty();
        s.store("dashscope", KEY);
        s.store("openrouter", "sk-or-other-secret-value");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(s.load("dashscope")).contains(KEY);
        assertThat(new FileSecretStore(file).load("openrouter")).contains("sk-or-other-secret-value");
        assertThat(s.description()).startsWith("file readable by the owner alone: ").endsWith(file.toString());
        assertThat(s.ownerOnly()).isTrue();

        assertThat(s.delete("dashscope")).isTrue();
        assertThat(s.delete("dashscope")).isFalse();
        assertThat(s.load("dashscope")).isEmpty();
        assertThat(Files.readString(file)).doesNotContain(KEY);
        // no temporary file left behind
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aFileWithWiderPermissionsIsTightenedOnUse() throws IOException {
        assumeTrue(posix(dir), "POSIX permissions");
        Path file = dir.resolve("secrets.json");
        Files.writeString(file, "{\"a\":\"" + KEY + "\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(new FileSecretStore(file).load("a")).contains(KEY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    /**
     * A stand-in for {@code secret-tool} that keeps one secret per ref in files and logs its arguments,
     * so the protocol (secret on stdin, never an argument) is checked without a real keyring.
     */
    private Path fakeSecretTool(boolean serviceAnswers) throws IOException {
        Path store = Files.createDirectories(dir.resolve("fake-keyring"));
        Path log = dir.resolve("argv.log");
        String script = """
                #!/bin/sh
                echo "$@" >> '%s'
                if [ "%s" != "yes" ]; then echo "Cannot autolaunch D-Bus without X11 \\$DISPLAY" >&2; exit 1; fi
                action="$1"; shift
                for last; do :; done
                f='%s'/"$last"
                case "$action" in
                  store) cat > "$f" ;;
                  lookup) [ -f "$f" ] || exit 1; cat "$f" ;;
                  clear) rm -f "$f" ;;
                esac
                """.formatted(log, serviceAnswers ? "yes" : "no", store);
        Path tool = dir.resolve(serviceAnswers ? "secret-tool" : "secret-tool-dead");
        Files.writeString(tool, script, StandardCharsets.UTF_8);
        tool.toFile().setExecutable(true);
        return tool;
    }

    @Test
    void theKeyringStorePassesTheSecretOnStdinNeverAsAnArgument() throws IOException {
        assumeTrue(posix(dir) && Files.isExecutable(Path.of("/bin/sh")), "a POSIX shell");
        Path tool = fakeSecretTool(true);
        KeyringSecretStore k = new KeyringSecretStore(tool.toString(), Duration.ofSeconds(5), Map.of());
        assertThat(k.isAvailable()).isTrue();
        assertThat(k.load("dashscope")).isEmpty();
        k.store("dashscope", KEY);
        assertThat(k.load("dashscope")).contains(KEY);
        assertThat(k.delete("dashscope")).isTrue();
        assertThat(k.load("dashscope")).isEmpty();

        String argv = Files.readString(dir.resolve("argv.log"));
        assertThat(argv).contains("store --label=LLM Workbench: dashscope service llm-workbench ref dashscope");
        assertThat(argv).doesNotContain(KEY);
        assertThat(k.description()).isEqualTo("OS keyring (Secret Service)");

        SecretStores.Selection sel = SecretStores.choose(k, new FileSecretStore(dir.resolve("s.json")));
        assertThat(sel.store()).isSameAs(k);
        assertThat(sel.why()).isNull();
        assertThat(sel.describe()).contains("OS keyring");
    }

    @Test
    void withoutAnAnsweringKeyringTheFileIsChosenAndTheReasonGiven() throws IOException {
        assumeTrue(posix(dir) && Files.isExecutable(Path.of("/bin/sh")), "a POSIX shell");
        FileSecretStore file = new FileSecretStore(dir.resolve("s.json"));

        KeyringSecretStore dead = new KeyringSecretStore(fakeSecretTool(false).toString(), Duration.ofSeconds(5), Map.of());
        assertThat(dead.isAvailable()).isFalse();
        SecretStores.Selection sel = SecretStores.choose(dead, file);
        assertThat(sel.store()).isSameAs(file);
        assertThat(sel.why()).contains("D-Bus");
        assertThat(sel.describe()).contains("file readable by the owner alone").contains("OS keyring not used");

        KeyringSecretStore missing = new KeyringSecretStore("secret-tool", Duration.ofSeconds(2),
                Map.of("PATH", dir.resolve("empty").toString()));
        assertThat(missing.unavailableReason()).hasValueSatisfying(r -> assertThat(r).contains("not found"));
        assertThat(SecretStores.choose(missing, file).store()).isSameAs(file);
    }

    @Test
    void aKeyringThatHangsCountsAsNotAnswering() throws IOException {
        assumeTrue(posix(dir) && Files.isExecutable(Path.of("/bin/sh")), "a POSIX shell");
        Path tool = dir.resolve("secret-tool-hang");
        Files.writeString(tool, "#!/bin/sh\nexec sleep 30\n");
        tool.toFile().setExecutable(true);
        KeyringSecretStore hang = new KeyringSecretStore(tool.toString(), Duration.ofMillis(300), Map.of());
        assertThat(hang.unavailableReason()).hasValueSatisfying(r -> assertThat(r).contains("did not answer"));
    }
}
