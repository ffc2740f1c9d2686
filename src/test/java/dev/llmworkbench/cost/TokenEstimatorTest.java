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
        ChatRequest req = ChatRequest.builder("gpt-4.1").system("You are terse.").user(text).build();
        TokenEstimate e = estimator.estimate(req);
        assertThat(e.tokenizer()).isEqualTo("o200k");
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

    @Test
    void qwenModelsAreCountedExactlyAsTheirChatTemplateRendersThem() {
        // rendered by Qwen3's own chat_template (tokenizer_config.json, Jinja2, add_generation_prompt=True)
        String rendered = "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWhat's the weather in 北京?"
                + "<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"北京\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n{\"temp\": 21}\n"
                + "</tool_response>\n<tool_response>\n{\"wind\": 3}\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
                + "21 °C and calm.<|im_end|>\n<|im_start|>user\n\nThanks!\n<|im_end|>\n<|im_start|>assistant\n";
        List<Message> chat = List.of(Message.system("You are terse."), Message.user("What's the weather in 北京?"),
                new Message(dev.llmworkbench.domain.Role.ASSISTANT, "",
                        List.of(new dev.llmworkbench.domain.ToolCall(0, "c1", "function", "get_weather",
                                "{\"city\": \"北京\"}")), null),
                Message.tool("c1", "{\"temp\": 21}"), Message.tool("c1", "{\"wind\": 3}"),
                Message.assistant("21 °C and calm."), Message.user("\nThanks!\n"));
        TokenEstimate e = estimator.estimate("qwen3-32b", chat);
        assertThat(e.tokenizer()).isEqualTo("qwen3");
        // 94: the rendered text's length in Hugging Face tokenizers (Rust) on Qwen3's tokenizer.json
        assertThat(e.rawTokens()).isEqualTo(Tokenizer.QWEN3.count(rendered)).isEqualTo(94);
        assertThat(e.describe()).isEqualTo("≈ 94 tokens (qwen3)");
    }

    @Test
    void eachModelIsCountedWithItsOwnTokenizer() {
        String zh = "我喜欢用人工智能来帮助我写代码和翻译文章。";
        assertThat(estimator.tokenizerFor("qwen3-32b")).isEqualTo(Tokenizer.QWEN3);
        assertThat(estimator.tokenizerFor("Qwen/Qwen3-235B-A22B")).isEqualTo(Tokenizer.QWEN3);
        assertThat(estimator.tokenizerFor("gpt-4")).isEqualTo(Tokenizer.CL100K);
        assertThat(estimator.tokenizerFor("gpt-4.1")).isEqualTo(Tokenizer.O200K);
        assertThat(estimator.tokenizerFor("some-unknown-model")).isEqualTo(Tokenizer.DEFAULT).isEqualTo(Tokenizer.O200K);
        assertThat(estimator.countText("qwen-plus", zh)).isEqualTo(Tokenizer.QWEN3.count(zh))
                .isNotEqualTo(estimator.countText(zh));
        assertThat(estimator.estimateText("qwen-plus", zh).tokenizer()).isEqualTo("qwen3");
        assertThat(estimator.estimateText("gpt-4.1", zh).tokenizer()).isEqualTo("o200k");
        assertThat(estimator.estimateText("gpt-4.1", zh).rawTokens()).isEqualTo(estimator.countText(zh));
    }

    @Test
    void theCatalogueNamesTheTokenizerAndWinsOverTheName() {
        String json = "{\"version\":1,\"entries\":["
                + "{\"provider\":\"p\",\"model\":\"house-model\",\"aliases\":[\"hm\"],\"currency\":\"USD\","
                + "\"input\":1,\"output\":2,\"tokenizer\":\"qwen3\"},"
                + "{\"provider\":\"p\",\"model\":\"qwen-legacy\",\"currency\":\"USD\",\"input\":1,\"output\":2,"
                + "\"tokenizer\":\"cl100k\"}]}";
        PriceCatalogue catalogue = PriceCatalogue.load(new java.io.StringReader(json), null);
        TokenEstimator est = new TokenEstimator(catalogue);
        assertThat(est.tokenizerFor("HM")).isEqualTo(Tokenizer.QWEN3);
        assertThat(est.tokenizerFor("qwen-legacy")).isEqualTo(Tokenizer.CL100K);
        assertThat(est.tokenizerFor("qwen3-8b")).as("not in this catalogue: by name").isEqualTo(Tokenizer.QWEN3);
        assertThat(est.estimate("house-model", List.of(Message.user("hi"))).tokenizer()).isEqualTo("qwen3");
        est.useCatalogue(null);
        assertThat(est.tokenizerFor("house-model")).isEqualTo(Tokenizer.O200K);
    }

    @Test
    void theBundledCatalogueNamesQwen3ForQwenModels() {
        PriceCatalogue bundled = PriceCatalogue.loadBundled();
        for (String m : bundled.models()) {
            Tokenizer t = bundled.tokenizerFor(m);
            assertThat(t).as(m).isEqualTo(m.startsWith("qwen") ? Tokenizer.QWEN3 : Tokenizer.O200K);
        }
        assertThat(bundled.find("qwen3-32b").orElseThrow().tokenizer()).isEqualTo("qwen3");
    }

    @Test
    void theSameMessagesAgainAreCountedAgainAlikeAndCorrectedByTheLatestRatio() {
        ChatRequest a = ChatRequest.builder("qwen3-32b").user("Write one short paragraph about the sea.").build();
        ChatRequest b = ChatRequest.builder("qwen3-32b").user("Write one short paragraph about the sky.").build();
        ChatRequest otherModel = ChatRequest.builder("gpt-4.1").user("Write one short paragraph about the sea.").build();
        TokenEstimate first = estimator.estimate(a);
        TokenEstimate fresh = new TokenEstimator().estimate(b);
        assertThat(estimator.estimate(b)).isEqualTo(fresh);
        assertThat(estimator.estimate(ChatRequest.builder("qwen3-32b").user("Write one short paragraph about the sea.")
                .maxTokens(5).build())).isEqualTo(first);
        assertThat(estimator.estimate(otherModel).tokenizer()).isEqualTo("o200k");
        assertThat(estimator.estimate(otherModel)).isEqualTo(new TokenEstimator().estimate(otherModel));
        estimator.observe("qwen3-32b", first.rawTokens(), first.rawTokens() * 2L);
        TokenEstimate again = estimator.estimate(a);
        assertThat(again.rawTokens()).isEqualTo(first.rawTokens());
        assertThat(again.tokens()).isEqualTo(first.rawTokens() * 2);
    }
}
