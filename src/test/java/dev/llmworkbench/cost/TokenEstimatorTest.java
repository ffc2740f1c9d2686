package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Message;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
    private final TokenEstimator estimator = new TokenEstimator();

    @Test
    void plausibleCountsForEnglishAndChinese() {
        int english = estimator.countText("The quick brown fox jumps over the lazy dog.");
        assertThat(english).isBetween(8, 12);
        String chinese = "我喜欢用人工智能来帮助我写代码和翻译文章。";
        int zh = estimator.countText(chinese);
        assertThat(zh).isBetween(5, chinese.length());
        assertThat(estimator.countText("")).isZero();
        assertThat(estimator.countText("<|endoftext|>")).as("special markers count as text").isPositive();
    }

    @Test
    void messagesAddOverheadAndAreMarkedAsEstimates() {
        String text = "Summarise the following report in three bullet points.";
        ChatRequest req = ChatRequest.builder("qwen-plus").system("You are terse.").user(text).build();
        TokenEstimate e = estimator.estimate(req);
        int expected = TokenEstimator.REPLY_PRIMING
                + 2 * TokenEstimator.TOKENS_PER_MESSAGE
                + estimator.countText("system") + estimator.countText("You are terse.")
                + estimator.countText("user") + estimator.countText(text);
        assertThat(e.rawTokens()).isEqualTo(expected);
        assertThat(e.tokens()).isEqualTo(expected);
        assertThat(e.estimated()).isTrue();
        assertThat(e.correction()).isEqualTo(1.0);
    }

    @Test
    void correctionConvergesToTheObservedRatio() {
        TokenEstimator est = new TokenEstimator(0.3);
        est.observe("qwen3-32b", 100, 150);
        assertThat(est.correction("qwen3-32b")).as("the first observation sets the ratio").isEqualTo(1.5);
        for (int i = 0; i < 40; i++) {
            est.observe("qwen3-32b", 100, 130);
        }
        assertThat(est.correction("qwen3-32b")).isCloseTo(1.3, within(1e-4));
        assertThat(est.correction("Qwen3-32B")).as("model names ignore case").isCloseTo(1.3, within(1e-4));
        assertThat(est.correction("gpt-4.1")).as("other models untouched").isEqualTo(1.0);
        TokenEstimate e = est.estimate("qwen3-32b", List.of(Message.user("hello world")));
        assertThat(e.tokens()).isEqualTo((int) Math.round(e.rawTokens() * est.correction("qwen3-32b")));
        est.observe("qwen3-32b", 0, 10);
        est.observe("qwen3-32b", 10, 0);
        assertThat(est.correction("qwen3-32b")).as("empty observations ignored").isCloseTo(1.3, within(1e-4));
    }

    @Test
    void observationsFromManyThreadsAreAllApplied() throws Exception {
        TokenEstimator est = new TokenEstimator(0.0001);
        est.observe("m", 100, 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        est.observe("m", 100, 200);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // 4000 EMA steps from 1.0 towards 2.0 with α = 0.0001 give 2 − 0.9999^4000 ≈ 1.33; each lost
        // update would leave it about 0.00007 lower
        double expected = 2.0 - Math.pow(0.9999, 4000);
        assertThat(est.correction("m")).isCloseTo(expected, within(1e-6));
    }
}
