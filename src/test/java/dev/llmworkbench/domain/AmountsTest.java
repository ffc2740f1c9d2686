package dev.llmworkbench.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AmountsTest {
    @Test
    void aCostThatIsNotZeroNeverReadsZero() {
        assertThat(Amounts.usd(new BigDecimal("0.000881"))).isEqualTo("$0.000881");
        assertThat(Amounts.usd(new BigDecimal("0.0036667"))).isEqualTo("$0.00367");
        assertThat(Amounts.usd(new BigDecimal("0.035"))).isEqualTo("$0.0350");
        assertThat(Amounts.usd(new BigDecimal("0.11"))).isEqualTo("$0.110");
        assertThat(Amounts.usd(new BigDecimal("0.1"))).isEqualTo("$0.100");
        assertThat(Amounts.usd(new BigDecimal("12.345"))).isEqualTo("$12.35");
        assertThat(Amounts.usd(BigDecimal.ZERO)).isEqualTo("$0.00");
        assertThat(Amounts.cny(new BigDecimal("0.0000012"))).isEqualTo("¥0.00000120");
        assertThat(Amounts.usd(null)).isEqualTo("$–");
    }
}
