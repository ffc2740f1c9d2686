package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router router = new Router();

    @Test
    void levelsGoToTheirDefaultModels() {
        RouteDecision simple = router.route("What is the capital of France?");
        assertThat(simple.level()).isEqualTo(Level.SIMPLE);
        assertThat(simple.model()).isEqualTo("qwen-turbo");
        assertThat(simple.score()).isEqualTo(3.0);

        RouteDecision moderate = router.route("Explain how to implement a database index. "
                + "Compare a B-tree with a hash index and say when each is the better choice for reads. "
                + "Give one short example for each.");
        // 30 words × 0.5 + 2 terms × 3 = 21
        assertThat(moderate.score()).isEqualTo(21.0);
        assertThat(moderate.level()).isEqualTo(Level.MODERATE);
        assertThat(moderate.model()).isEqualTo("qwen-plus");

        RouteDecision complex = router.route("Design an async API and optimize this algorithm:\n```python\n"
                + "def f(x):\n    return x\n```\nThen implement a concurrent version.\n```python\npass\n```\n"
                + "Explain the parallel design in detail.");
        // 19 words × 0.5 + 2 code blocks × 10 + 7 terms × 3 = 50.5
        assertThat(complex.score()).isEqualTo(50.5);
        assertThat(complex.level()).isEqualTo(Level.COMPLEX);
        assertThat(complex.model()).isEqualTo("qwen3-235b-a22b");
        assertThat(complex.reason()).contains("complex").contains("qwen3-235b-a22b").contains("2 code blocks");
    }

    @Test
    void modelsAreConfigurableAndLevelsGoDown() {
        Router custom = new Router(new ComplexityScorer(), Map.of(Level.SIMPLE, "qwen3-8b"));
        assertThat(custom.route("hi").model()).isEqualTo("qwen3-8b");
        assertThat(custom.modelFor(Level.MODERATE)).isEqualTo("qwen-plus");
        assertThat(Level.COMPLEX.down()).isEqualTo(Level.MODERATE);
        assertThat(Level.MODERATE.down()).isEqualTo(Level.SIMPLE);
        assertThat(Level.SIMPLE.down()).isEqualTo(Level.SIMPLE);
        assertThat(Level.SIMPLE.isLowest()).isTrue();
        assertThat(Level.MODERATE.id()).isEqualTo("moderate");
        assertThat(Level.parse("Complex")).isEqualTo(Level.COMPLEX);
        assertThatThrownBy(() -> Level.parse("hard")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reasonShowsTheScoreAndTheRange() {
        RouteDecision d = router.route("hello there");
        assertThat(d.reason()).isEqualTo(
                "score 1 (2 words, 0 code blocks, 0 technical terms, 1 sentences) is below 20: simple → qwen-turbo");
    }
}
