package dev.llmworkbench.client;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonParseException;

/**
 * Fuzzing (issue 14): any sequence of SSE {@code data:} payloads through the chunk parser and the stream
 * accumulator, as the client feeds them. A payload that is not a chunk must end as {@link JsonParseException}
 * (the client then says "an event is not JSON") and a chunk of an unexpected shape as a {@link RuntimeException}
 * (the client says "unexpected shape"): never an {@link Error}, never a hang. Runs its seeds with the tests;
 * {@code JAZZER_FUZZ=1} fuzzes it (bounded, see .ci/run).
 */
class ChunkFuzzTest {
    /** Bounded: the seeds with the tests, 15 s of fuzzing in .ci/run ({@code JAZZER_FUZZ=1}). */
    @FuzzTest(maxDuration = "15s")
    void chunksNeverEscapeAsAnythingButTheirTwoFailures(FuzzedDataProvider data) {
        check(data);
    }

    /** The same, for half an hour, by hand: {@code mvn -Pfuzz test -Dtest=CLASS#soak}. */
    @FuzzTest(maxDuration = "30m")
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "fuzz.soak", matches = "true")
    void soak(FuzzedDataProvider data) {
        check(data);
    }

    private static void check(FuzzedDataProvider data) {
        ChunkParser parser = new ChunkParser();
        StreamAccumulator acc = new StreamAccumulator();
        long now = 0;
        while (data.remainingBytes() > 0) {
            String payload = data.consumeString(2_000);
            Chunk c;
            try {
                c = parser.read(payload); // as the client reads every chunk
            } catch (JsonParseException e) {
                continue;
            }
            try {
                acc.onChunk(c, now += 1_000_000);
            } catch (RuntimeException e) {
                // the client turns it into "an event has an unexpected shape"
            }
        }
        acc.finish();
    }
}
