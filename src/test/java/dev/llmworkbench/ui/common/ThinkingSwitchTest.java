package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ThinkingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import org.junit.jupiter.api.Test;

/** The thinking switch the Playground, Compare and the Benchmark share: it follows the profile and the model. */
class ThinkingSwitchTest {
    private static ThinkingMode mode(String profile, String model) {
        return switch (model == null ? "" : model) {
            case "plain" -> ThinkingMode.NEVER;
            case "thinker" -> ThinkingMode.ALWAYS;
            case "hybrid" -> "dashscope".equals(profile) ? ThinkingMode.DEFAULT_ON : ThinkingMode.OPTIONAL;
            default -> null;
        };
    }

    @Test
    void aModelWithoutASwitchIsNotOfferedAndSaysWhatItDoes() {
        SimpleObjectProperty<ProviderProfile> profile = new SimpleObjectProperty<>(
                new ProviderProfile("dashscope", "http://127.0.0.1:1/v1", null, null, Map.of(), Map.of(), null, null));
        SimpleStringProperty model = new SimpleStringProperty("hybrid");
        List<ThinkingMode> fixed = new ArrayList<>();
        ThinkingSwitch s = new ThinkingSwitch(profile, model, fixed::add);
        assertThat(s.offeredProperty().get()).as("offered until it follows the catalogue").isTrue();
        assertThat(s.modeProperty().get()).isNull();

        s.follow(ThinkingSwitchTest::mode);
        assertThat(s.modeProperty().get()).isEqualTo(ThinkingMode.DEFAULT_ON);
        assertThat(s.offeredProperty().get()).isTrue();
        assertThat(s.labelProperty().get()).isEqualTo("Thinking");

        model.set("plain");
        assertThat(s.offeredProperty().get()).isFalse();
        assertThat(s.labelProperty().get()).isEqualTo("Thinking: never");
        assertThat(fixed).containsExactly(ThinkingMode.NEVER);

        model.set("thinker");
        assertThat(s.labelProperty().get()).isEqualTo("Thinking: always");
        assertThat(fixed).containsExactly(ThinkingMode.NEVER, ThinkingMode.ALWAYS);

        model.set("unknown");
        assertThat(s.modeProperty().get()).as("the catalogue does not say").isNull();
        assertThat(s.offeredProperty().get()).isTrue();
        assertThat(s.labelProperty().get()).isEqualTo("Thinking");

        model.set("hybrid");
        profile.set(null);
        assertThat(s.modeProperty().get()).as("the mode is the profile's, too").isEqualTo(ThinkingMode.OPTIONAL);
        s.update();
        assertThat(fixed).hasSize(2);
    }
}
