package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Every view reads a number typed in a field the same way, and says what is wrong in the same words. */
class NumberFieldsTest {
    @Test
    void aBlankFieldIsNullAndSpacesAroundANumberDoNotCount() {
        assertThat(NumberFields.integer(null, "max tokens")).isNull();
        assertThat(NumberFields.integer("  ", "max tokens")).isNull();
        assertThat(NumberFields.integer(" 256 ", "max tokens")).isEqualTo(256);
        assertThat(NumberFields.whole("9000000000", "seed")).isEqualTo(9_000_000_000L);
        assertThat(NumberFields.decimal(" 0.7", "temperature")).isEqualTo(0.7);
        assertThat(NumberFields.amount("0.50 ", "budget")).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(NumberFields.required(3, "rpm")).isEqualTo(3);
    }

    @Test
    void aWrongNumberIsSaidInOneLineWithWhatWasTyped() {
        assertThatThrownBy(() -> NumberFields.integer(" many ", "concurrency"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency must be a whole number, was 'many'");
        assertThatThrownBy(() -> NumberFields.integer("1.5", "max tokens"))
                .hasMessage("max tokens must be a whole number, was '1.5'");
        assertThatThrownBy(() -> NumberFields.integer("3000000000", "max tokens"))
                .hasMessage("max tokens must be a whole number, was '3000000000'");
        assertThatThrownBy(() -> NumberFields.whole("x", "seed")).hasMessage("seed must be a whole number, was 'x'");
        assertThatThrownBy(() -> NumberFields.decimal("warm", "temperature"))
                .hasMessage("temperature must be a number, was 'warm'");
        assertThatThrownBy(() -> NumberFields.decimal("NaN", "temperature"))
                .hasMessage("temperature must be a number, was 'NaN'");
        assertThatThrownBy(() -> NumberFields.amount("lots", "the budget"))
                .hasMessage("the budget must be a number, was 'lots'");
        assertThatThrownBy(() -> NumberFields.required(NumberFields.integer("", "rpm"), "rpm"))
                .hasMessage("rpm must be given");
    }
}
