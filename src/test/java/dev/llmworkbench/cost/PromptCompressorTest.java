package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptCompressorTest {
    private final TokenEstimator estimator = new TokenEstimator();
    private final PromptCompressor compressor = new PromptCompressor(estimator);

    private String c(String s) {
        return compressor.compress(s).text();
    }

    @Test
    void removesPoliteFillerAndTidiesUp() {
        assertThat(c("Could you please summarise this article?")).isEqualTo("Summarise this article?");
        assertThat(c("Summarise this, please.")).isEqualTo("Summarise this.");
        assertThat(c("Please, list the files. Kindly sort them by size."))
                .isEqualTo("List the files. Sort them by size.");
        assertThat(c("WOULD YOU translate it")).isEqualTo("Translate it");
        assertThat(c("and then please check it")).isEqualTo("and then check it");
        assertThat(c("The displeased user pleaded")).as("whole words only").isEqualTo("The displeased user pleaded");
    }

    @Test
    void foldsWhiteSpace() {
        assertThat(c("  Review \t the   code  \n\n\n\n  and   the tests  ")).isEqualTo("Review the code\n\nand the tests");
        assertThat(c("line one\r\nline two")).isEqualTo("line one\nline two");
    }

    @Test
    void shortensRunsOfRepeatedCharactersToThree() {
        assertThat(c("Wow!!!!!! -----------")).isEqualTo("Wow!!! ---");
        assertThat(c("Hmm...... ok???")).isEqualTo("Hmm... ok???");
        assertThat(c("1000000 and aaaa stay")).isEqualTo("1000000 and aaaa stay");
    }

    @Test
    void neverTouchesCodeInlineCodeOrQuotedStrings() {
        String code = "```python\nplease   =  1   # would you!!!!!!\n\n\n\nprint( please )\n```";
        assertThat(c("Please fix:\n" + code + "\nThanks")).isEqualTo("Fix:\n" + code + "\nThanks");
        assertThat(c("Run `please   --kindly!!!!` now")).isEqualTo("Run `please   --kindly!!!!` now");
        assertThat(c("Reply with \"Could you please   wait!!!!\" kindly")).isEqualTo("Reply with \"Could you please   wait!!!!\"");
        assertThat(c("Say “please    hold” then")).isEqualTo("Say “please    hold” then");
        assertThat(c("Please```\nunclosed   please\n")).isEqualTo("```\nunclosed   please\n");
    }

    @Test
    void reportsTokensBeforeAndAfter() {
        String prompt = "Could you please, kindly, summarise this document!!!!!!!!!!    Please   be brief.";
        CompressionResult r = compressor.compress(prompt);
        assertThat(r.text()).isEqualTo("Summarise this document!!! Be brief.");
        assertThat(r.tokensBefore()).isEqualTo(estimator.countText(prompt));
        assertThat(r.tokensAfter()).isEqualTo(estimator.countText(r.text()));
        assertThat(r.tokensAfter()).isLessThan(r.tokensBefore());
        assertThat(r.tokensSaved()).isEqualTo(r.tokensBefore() - r.tokensAfter());
        CompressionResult empty = compressor.compress("");
        assertThat(empty.text()).isEmpty();
        assertThat(empty.tokensBefore()).isZero();
    }
}
