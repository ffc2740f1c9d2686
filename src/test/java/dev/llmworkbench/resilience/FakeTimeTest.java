package dev.llmworkbench.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeTimeTest {

    @Test
    void runsDueTasksInOrderAtTheirDueTime() {
        FakeTime t = new FakeTime();
        long start = t.nanos();
        List<String> ran = new ArrayList<>();
        t.schedule(() -> ran.add("b@" + (t.nanos() - start)), 2_000);
        t.schedule(() -> ran.add("a@" + (t.nanos() - start)), 1_000);
        t.schedule(() -> ran.add("c@" + (t.nanos() - start)), 2_000);
        t.schedule(() -> ran.add("late"), 10_000);

        t.advanceNanos(5_000);

        assertThat(ran).containsExactly("a@1000", "b@2000", "c@2000");
        assertThat(t.nanos() - start).isEqualTo(5_000);
        assertThat(t.pendingTasks()).isEqualTo(1);
    }

    @Test
    void tasksScheduledByTasksRunInTheSameAdvanceWhenDue() {
        FakeTime t = new FakeTime();
        List<Long> ran = new ArrayList<>();
        long start = t.nanos();
        t.schedule(() -> t.schedule(() -> ran.add(t.nanos() - start), 500), 500);
        t.advanceNanos(1_000);
        assertThat(ran).containsExactly(1_000L);
    }

    @Test
    void cancelledTasksDoNotRun() {
        FakeTime t = new FakeTime();
        List<String> ran = new ArrayList<>();
        Cancellable c = t.schedule(() -> ran.add("x"), 10);
        assertThat(c.cancel()).isTrue();
        assertThat(c.cancel()).isFalse();
        t.advance(Duration.ofSeconds(1));
        assertThat(ran).isEmpty();
    }

    @Test
    void clockFollowsTheTicker() {
        FakeTime t = new FakeTime(Instant.parse("2025-06-01T10:00:00Z"), ZoneId.of("Asia/Shanghai"));
        t.advance(Duration.ofMinutes(90));
        assertThat(t.clock().instant()).isEqualTo(Instant.parse("2025-06-01T11:30:00Z"));
        assertThat(t.clock().getZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThatThrownBy(() -> t.advanceNanos(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runNextJumpsToTheNextTask() {
        FakeTime t = new FakeTime();
        long start = t.nanos();
        List<Long> ran = new ArrayList<>();
        t.schedule(() -> ran.add(t.nanos() - start), 7_000);
        assertThat(t.runNext()).isTrue();
        assertThat(ran).containsExactly(7_000L);
        assertThat(t.runNext()).isFalse();
    }
}
