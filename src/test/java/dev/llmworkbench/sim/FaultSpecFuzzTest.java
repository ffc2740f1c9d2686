package dev.llmworkbench.sim;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzing (issue 14): any text as a fault spec is a spec, which reads back the same from its own words, or an
 * {@link IllegalArgumentException}; nothing else escapes.
 */
class FaultSpecFuzzTest {
    /** Bounded: the seeds with the tests, 15 s of fuzzing in .ci/run ({@code JAZZER_FUZZ=1}). */
    @FuzzTest(maxDuration = "15s")
    void anyTextIsASpecOrOneReason(FuzzedDataProvider data) {
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
        FaultSpec spec;
        try {
            spec = FaultSpec.parse(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        String words = spec.toString();
        if (!words.contains("key=") && !FaultSpec.parse(words).toString().equals(words)) {
            throw new AssertionError("'" + text + "' reads back as '" + FaultSpec.parse(words) + "', not '" + words + "'");
        }
    }
}
