package dev.llmworkbench.service.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.cost.TokenEstimator;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticPromptsTest {
    private final TokenEstimator estimator = new TokenEstimator();

    @Test
    void everyPromptHasExactlyTheTokensAskedForByEachTokenizer() {
        // Qwen3's own tokenizer, o200k (gpt-4.1), cl100k (gpt-4)
        for (String model : new String[] {"qwen3-235b-a22b", "gpt-4.1", "gpt-4"}) {
            SyntheticPrompts prompts = new SyntheticPrompts(t -> estimator.estimateText(model, t).rawTokens(),
                    BenchService.WORDS);
            SplittableRandom rnd = new SplittableRandom(7);
            Set<String> seen = new HashSet<>();
            for (int tokens : new int[] {1, 2, 3, 17, 100, 512, 2048}) {
                for (int k = 0; k < 20; k++) {
                    String p = prompts.prompt(tokens, rnd);
                    assertThat(estimator.estimateText(model, p).rawTokens()).as(model + ", " + tokens + ": " + p)
                            .isEqualTo(tokens);
                    assertThat(seen.add(p) || tokens <= 2).as("a different prompt each time").isTrue();
                }
            }
            assertThat(prompts.prompt(0, rnd)).isEmpty();
        }
    }

    @Test
    void aTokenizerWithoutAOneTokenWordLeavesItToTheCaller() {
        SyntheticPrompts prompts = new SyntheticPrompts(t -> 2, new String[] {"alpha", "beta"});
        assertThat(prompts.prompt(5, new SplittableRandom(1))).isNull();
    }
}
