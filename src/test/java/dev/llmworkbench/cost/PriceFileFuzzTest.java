package dev.llmworkbench.cost;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;

/**
 * Fuzzing (issue 14): any text as a price file is a catalogue or an {@link IllegalArgumentException} that
 * says what is wrong; nothing else escapes.
 */
class PriceFileFuzzTest {
    /** Bounded: the seeds with the tests, 15 s of fuzzing in .ci/run ({@code JAZZER_FUZZ=1}). */
    @FuzzTest(maxDuration = "15s")
    void anyTextIsACatalogueOrOneReason(FuzzedDataProvider data) {
        check(data);
    }

    /** The same, for half an hour, by hand: {@code mvn -Pfuzz test -Dtest=CLASS#soak}. */
    @FuzzTest(maxDuration = "30m")
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "fuzz.soak", matches = "true")
    void soak(FuzzedDataProvider data) {
        check(data);
    }

    private static void check(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            PriceCatalogue c = PriceCatalogue.load(new StringReader(text), null);
            c.models();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
        }
    }
}
