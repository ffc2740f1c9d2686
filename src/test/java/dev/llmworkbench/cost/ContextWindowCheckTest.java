package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContextWindowCheckTest {
    private final ContextWindowCheck check = new ContextWindowCheck(PriceCatalogue.loadBundled());

    @Test
    void refusesWithTheFigures() {
        ContextWindowCheck.Result r = check.check(null, "qwen3-32b", 35_000, 5_000);
        assertThat(r.allowed()).isFalse();
        assertThat(r.message()).isEqualTo(
                "needs 40,000 tokens (35,000 input + 5,000 max_tokens) but qwen3-32b's context window is 32,768");
        assertThatThrownBy(() -> check.require(null, "qwen3-32b", 35_000, 5_000, false))
                .isInstanceOf(ContextWindowCheck.ContextWindowExceededException.class)
                .hasMessageContaining("40,000").hasMessageContaining("32,768");
    }

    @Test
    void theEdgeFitsAndOneMoreDoesNot() {
        assertThat(check.check("dashscope-cn", "qwen3-32b", 30_000, 2_768).allowed()).isTrue();
        assertThat(check.check("dashscope-cn", "qwen3-32b", 30_000, 2_769).allowed()).isFalse();
        // the check without its message agrees, at the edge, with a refusal, an unknown model and negative counts
        assertThat(check.fits("dashscope-cn", "qwen3-32b", 30_000, 2_768)).isTrue();
        assertThat(check.fits("dashscope-cn", "qwen3-32b", 30_000, 2_769)).isFalse();
        assertThat(check.fits(null, "qwen3-32b", 35_000, 5_000)).isFalse();
        assertThat(check.fits(null, "mystery", 10_000_000, 1)).isTrue();
        assertThat(check.fits(null, "qwen3-32b", -5, 32_768)).isTrue();
    }

    @Test
    void extendedWindowWithYarn() {
        ContextWindowCheck.Result r = check.check(null, "qwen3-235b", 35_000, 5_000, true);
        assertThat(r.allowed()).isTrue();
        assertThat(r.contextWindow()).isEqualTo(131_072);
        assertThat(check.check(null, "qwen3-235b", 130_000, 5_000, true).message())
                .contains("qwen3-235b-a22b's context window is 131,072");
    }

    @Test
    void unknownModelIsNotRefused() {
        ContextWindowCheck.Result r = check.check(null, "mystery", 10_000_000, 1);
        assertThat(r.allowed()).isTrue();
        assertThat(r.message()).contains("unknown");
    }
}
