package dev.llmworkbench.service.batch.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ItemStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A provider batch job's figures, as the desktop's panel shows them: computed here from the stored counts. */
class RemoteJobsProgressTest {
    @Test
    void theFiguresOfAJobComeFromItsCountsByStatus() {
        RemoteJobs.Progress p = new RemoteJobs.Progress(Map.of(ItemStatus.DONE, 3, ItemStatus.FAILED, 1,
                ItemStatus.PENDING, 4, ItemStatus.IN_FLIGHT, 2, ItemStatus.NOT_RUN, 5, ItemStatus.INVALID, 2), List.of());
        assertThat(p.total()).isEqualTo(17);
        assertThat(p.valid()).isEqualTo(15);
        assertThat(p.waiting()).isEqualTo(6);
        assertThat(p.retryable()).as("what 'Retry failed / not run' sends again").isEqualTo(6);
        assertThat(p.describe()).isEqualTo("3/15 done · 1 failed · 6 not back yet · 5 not run · 2 invalid");

        RemoteJobs.Progress none = new RemoteJobs.Progress(Map.of(), List.of());
        assertThat(none.describe()).isEqualTo("0/0 done · 0 failed · 0 not back yet · 0 not run · 0 invalid");
        assertThat(none.retryable()).isZero();
    }
}
