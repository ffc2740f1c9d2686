package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.ui.app.JsonFileUiPreferences;
import dev.llmworkbench.ui.common.UiThread;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tripwire can fail: blocking I/O on a UI thread throws, names the call and is remembered for the test. */
class UiThreadIoTest {
    @TempDir
    Path dir;
    private String before;
    private UiThread ui;
    private Database db;

    @BeforeEach
    void setUp() {
        before = System.getProperty(UiThreadIo.PROPERTY);
        System.setProperty(UiThreadIo.PROPERTY, "true"); // as the build sets it; also when run on its own
        ui = new UiThread();
        db = Database.open(dir.resolve("t.db"));
    }

    @AfterEach
    void tearDown() {
        ui.close();
        db.close();
        if (before == null) {
            System.clearProperty(UiThreadIo.PROPERTY);
        } else {
            System.setProperty(UiThreadIo.PROPERTY, before);
        }
        UiThreadIo.takeViolations(); // the trips made here on purpose are not a failure of this test
    }

    @Test
    void theStoreFailsOnTheUiThreadAndNamesTheCall() {
        assertThatThrownBy(() -> ui.call(() -> db.read(c -> 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Database.read on the UI thread (test-ui-thread)");
        assertThatThrownBy(() -> ui.call(() -> db.write(c -> 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Database.write on the UI thread");
        assertThat(UiThreadIo.takeViolations()).hasSize(2).allMatch(v -> v.contains("on the UI thread"));
        // off the UI thread the same calls are fine
        assertThat(db.<Integer>read(c -> 1)).isEqualTo(1);
        assertThat(UiThreadIo.takeViolations()).isEmpty();
    }

    @Test
    void theSecretStoreAndThePreferencesFailOnTheUiThreadToo() {
        FileSecretStore secrets = new FileSecretStore(dir.resolve("secrets.json"));
        assertThatThrownBy(() -> ui.call(() -> secrets.load("k"))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("FileSecretStore.load");
        JsonFileUiPreferences prefs = new JsonFileUiPreferences(dir.resolve("prefs.json"));
        assertThatThrownBy(() -> ui.run(() -> prefs.put("a", "b"))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("JsonFileUiPreferences.put");
        assertThat(UiThreadIo.takeViolations()).hasSize(2);
    }

    @Test
    void aTripCaughtOnTheWayUpIsStillRemembered() throws Exception {
        // a view model that swallowed the exception (logged it) still fails its test through the extension
        String shown = ui.call(() -> {
            try {
                db.read(c -> 1);
                return "read";
            } catch (IllegalStateException e) {
                return "caught";
            }
        });
        assertThat(shown).isEqualTo("caught");
        assertThat(UiThreadIo.takeViolations()).singleElement().asString().startsWith("Database.read");
    }

    @Test
    void theJavaFxThreadIsKnownByItsNameAndOffMeansOff() throws Exception {
        CompletableFuture<Boolean> fx = new CompletableFuture<>();
        Thread t = new Thread(() -> fx.complete(UiThreadIo.isUiThread()), "JavaFX Application Thread");
        t.start();
        assertThat(fx.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(UiThreadIo.isUiThread()).isFalse();

        System.setProperty(UiThreadIo.PROPERTY, "false");
        assertThat(ui.call(() -> db.<Integer>read(c -> 1))).isEqualTo(1);
        assertThat(UiThreadIo.takeViolations()).isEmpty();
    }
}
