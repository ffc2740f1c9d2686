package dev.llmworkbench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values computed with numpy 2.4 {@code np.percentile(a, p)} (method "linear"). */
class PercentilesTest {
    @Test
    void matchesNumpyOnASmallSet() {
        Percentiles p = Percentiles.of(50, 15, 40, 20, 35);
        assertThat(p.percentile(0)).isEqualTo(15.0);
        assertThat(p.percentile(25)).isEqualTo(20.0);
        assertThat(p.percentile(40)).isCloseTo(29.0, within(1e-12));
        assertThat(p.p50()).isEqualTo(35.0);
        assertThat(p.p95()).isCloseTo(48.0, within(1e-12));
        assertThat(p.p99()).isCloseTo(49.6, within(1e-12));
        assertThat(p.percentile(100)).isEqualTo(50.0);
        assertThat(p.mean()).isEqualTo(32.0);
        assertThat(p.min()).isEqualTo(15.0);
        assertThat(p.max()).isEqualTo(50.0);
    }

    @Test
    void matchesNumpyWithAnOutlier() {
        Percentiles p = Percentiles.of(List.of(3.5, 1.0, 10.0, 7.25, 2.0, 8.0, 4.0, 9.5, 6.0, 5.0, 100.0));
        assertThat(p.p50()).isEqualTo(6.0);
        assertThat(p.p95()).isCloseTo(55.0, within(1e-12));
        assertThat(p.p99()).isCloseTo(91.00000000000003, within(1e-9));
        assertThat(p.percentile(12.5)).isCloseTo(2.375, within(1e-12));
    }

    @Test
    void exactAtOneHundredThousandSamples() {
        double[] x = new double[100_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((long) i * 7919 % 100_003) / 10.0;
        }
        Percentiles p = Percentiles.of(x);
        assertThat(p.count()).isEqualTo(100_000);
        assertThat(p.p50()).isCloseTo(4999.95, within(1e-9));
        assertThat(p.p95()).isCloseTo(9500.205, within(1e-9));
        assertThat(p.p99()).isCloseTo(9900.201000000001, within(1e-9));
        assertThat(p.percentile(99.9)).isCloseTo(9990.200100000002, within(1e-9));
    }

    @Test
    void edgeCases() {
        assertThat(Percentiles.of().p50()).isNaN();
        assertThat(Percentiles.of().mean()).isNaN();
        assertThat(Percentiles.of(7).p99()).isEqualTo(7.0);
        assertThat(Percentiles.of(Arrays.asList(1.0, null, 3.0)).p50()).isEqualTo(2.0);
        assertThatThrownBy(() -> Percentiles.of(1).percentile(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        double[] in = {3, 1, 2};
        Percentiles.of(in);
        assertThat(in).as("the caller's array is not sorted in place").containsExactly(3, 1, 2);
    }
}
