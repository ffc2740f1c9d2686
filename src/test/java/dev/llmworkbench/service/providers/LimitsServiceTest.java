package dev.llmworkbench.service.providers;

import dev.llmworkbench.service.HeldDatabase;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.FakeTime;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.SettingsStore;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class LimitsServiceTest {
    @TempDir
    Path dir;

    private static LimitsService limits(SettingsStore settings, FakeTime time) {
        return new LimitsService(settings, new RateLimiter(time, time, time.clock(), RateLimiter.Config.defaults()),
                new BudgetLedger(time.clock(), ZoneOffset.UTC));
    }

    @Test
    void theDailyBudgetIsKeptAndReadWithoutWaitingForTheDatabase() throws Exception {
        FakeTime time = new FakeTime();
        try (Database db = Database.open(dir.resolve("wb.db"))) {
            SettingsStore settings = new SettingsStore(db);
            limits(settings, time).setDailyBudgetUsd(new BigDecimal("2.50"));
            LimitsService limits = limits(settings, time);
            assertThat(limits.dailyBudgetUsd()).isEqualByComparingTo("2.50");

            // another thread holds the database (as a batch's export does): the status bar's read must not wait
            assertThat(HeldDatabase.readWhileHeld(db, limits::dailyBudgetUsd)).isEqualByComparingTo("2.50");
            limits.setDailyBudgetUsd(null);
            assertThat(limits.dailyBudgetUsd()).isNull();
            assertThat(limits(settings, time).dailyBudgetUsd()).isNull();
        }
    }
}
