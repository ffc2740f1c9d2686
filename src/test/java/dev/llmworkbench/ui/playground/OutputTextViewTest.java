package dev.llmworkbench.ui.playground;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The inspector's streamed-text view: cut into blocks as the transcript cuts them, the blocks joined are the text. */
class OutputTextViewTest {
    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void streamedTextIsCutIntoBlocksThatJoinedAreTheText() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            OutputTextView v = new OutputTextView();
            assertThat(v.blocks()).containsExactly("");
            StringBuilder sent = new StringBuilder();
            String sentence = "A sentence that goes on for a while and then stops. ";
            for (int i = 0; i < 200; i++) { // one long paragraph in small pieces, then lines
                String piece = i % 50 == 49 ? "line " + i + "\n" : sentence.substring(0, 20) + sentence.substring(20);
                v.appendText(piece);
                sent.append(piece);
            }
            assertThat(v.getText()).isEqualTo(sent.toString());
            assertThat(v.getLength()).isEqualTo(sent.length());
            assertThat(String.join("", v.blocks())).isEqualTo(sent.toString());
            assertThat(v.blocks()).hasSizeGreaterThan(4).allSatisfy(b -> assertThat(b.length())
                    .isLessThanOrEqualTo(OutputTextView.HARD_BLOCK + sentence.length()));
            assertThat(v.blocks()).isEqualTo(TextBlocks.of(sent.toString()).isEmpty() ? java.util.List.of("")
                    : TextBlocks.of(sent.toString()));
            v.clear();
            assertThat(v.getText()).isEmpty();
            assertThat(v.blocks()).containsExactly("");
            v.appendText("again");
            assertThat(v.blocks()).containsExactly("again");
        }).get(10, TimeUnit.SECONDS);
    }
}
