package dev.llmworkbench.ui.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.common.UiThread;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings' numbers are read as every view reads them, and a wrong one is said in the same words. */
class SettingsViewModelTest {
    @TempDir
    Path dir;
    private AppServices services;
    private UiThread ui;
    private SettingsViewModel vm;

    @BeforeEach
    void setUp() throws Exception {
        services = new AppServices(DataDirs.at(dir.resolve("data")), false);
        ui = new UiThread();
        vm = ui.call(() -> new SettingsViewModel(services.providers(), services.prices(), services.limits(),
                services.background(), ui.executor()));
        ui.await(vm::loaded);
    }

    @AfterEach
    void tearDown() {
        ui.close();
        services.close();
    }

    @Test
    void aWrongNumberIsSaidAndNothingIsApplied() throws Exception {
        ui.run(() -> {
            vm.tierNameProperty().set("custom");
            vm.rpmProperty().set("sixty");
            vm.tpmProperty().set("100000");
        });
        ui.await(vm::applyLimits);
        assertThat(ui.call(() -> vm.limitsMessageProperty().get()))
                .isEqualTo("Not applied: requests per minute must be a whole number, was 'sixty'");

        ui.run(() -> {
            vm.rpmProperty().set(" 60 ");
            vm.dailyBudgetProperty().set("lots");
        });
        ui.await(vm::applyLimits);
        assertThat(ui.call(() -> vm.limitsMessageProperty().get()))
                .isEqualTo("Not applied: the daily budget must be a number, was 'lots'");

        ui.run(() -> vm.dailyBudgetProperty().set(""));
        ui.await(vm::applyLimits);
        assertThat(ui.call(() -> vm.limitsMessageProperty().get())).isEqualTo("Applied.");
        assertThat(services.limits().tier().requestsPerMinute()).isEqualTo(60);

        ui.run(() -> vm.rateProperty().set("seven"));
        ui.await(vm::applyCurrency);
        assertThat(ui.call(() -> vm.pricesMessageProperty().get()))
                .isEqualTo("Not saved: CNY per USD must be a number, was 'seven'");
    }
}
