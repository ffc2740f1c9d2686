package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

class FxExecutorTest {
    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void fromAnotherThreadTheTaskRunsOnTheFxThread() throws Exception {
        CompletableFuture<Boolean> ranOnFx = new CompletableFuture<>();
        FxExecutor.platform().execute(() -> ranOnFx.complete(Platform.isFxApplicationThread()));
        assertThat(ranOnFx.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(FxExecutor.platform().isUiThread()).isFalse();
    }

    @Test
    void onTheFxThreadTheTaskRunsAtOnce() throws Exception {
        Boolean ranInline = WaitForAsyncUtils.asyncFx(() -> {
            AtomicReference<Boolean> ran = new AtomicReference<>(false);
            FxExecutor.platform().execute(() -> ran.set(true));
            return ran.get(); // true only if it ran before execute() returned
        }).get(5, TimeUnit.SECONDS);
        assertThat(ranInline).isTrue();
    }

    @Test
    void theSameThreadExecutorRunsInlineOnTheCaller() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        FxExecutor.sameThread().execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        FxExecutor.sameThread().checkUiThread();
    }

    @Test
    void checkUiThreadFailsOffTheFxThread() {
        assertThatThrownBy(() -> FxExecutor.platform().checkUiThread()).isInstanceOf(IllegalStateException.class);
    }
}
