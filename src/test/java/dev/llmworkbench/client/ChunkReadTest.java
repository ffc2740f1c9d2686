package dev.llmworkbench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Usage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming chunk reader ({@link ChunkParser#read}) against the tree ({@link Chunk#from} of
 * {@link ChunkParser#parse}), which is what the accumulator read before: odd shapes by hand, then random ones.
 */
class ChunkReadTest {
    /** The reader's view of a chunk, as text to compare (the choice slots' inner state aside). */
    private static String view(Chunk c) {
        StringBuilder sb = new StringBuilder().append("id=").append(c.id).append(" model=").append(c.model)
                .append(" usage=").append(c.usage).append(" error=").append(c.error).append(" choices=")
                .append(c.choices);
        Chunk.Choice ch = c.choice;
        if (ch == null) {
            return sb.append(" no choice").toString();
        }
        sb.append(" finish=").append(ch.finishReason).append(" delta=").append(ch.hasDelta);
        if (ch.hasDelta) {
            sb.append(" content=").append(ch.content).append(" reasoning=").append(ch.reasoningText())
                    .append(" tools=").append(ch.toolCalls);
        }
        return sb.toString();
    }

    private static Chunk read(String data) {
        return new ChunkParser().read(data);
    }

    private static String tree(String data) {
        return view(new Chunk().from(new ChunkParser().parse(data)));
    }

    private static Chunk.Choice choiceOf(String data) {
        Chunk c = read(data);
        assertThat(view(c)).isEqualTo(tree(data));
        return c.choice;
    }

    @Test
    void fieldsInAnyOrderAndUsageBeforeChoices() {
        String data = "{\"usage\":{\"completion_tokens_details\":{\"reasoning_tokens\":4},\"prompt_tokens\":9,"
                + "\"total_tokens\":20,\"completion_tokens\":11.0,\"reasoning_tokens\":7,\"cached_tokens\":2},"
                + "\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":\"hi\"},\"index\":0}],"
                + "\"model\":\"qwen\",\"object\":\"chat.completion.chunk\",\"id\":\"c-1\"}";
        Chunk c = read(data);
        assertThat(view(c)).isEqualTo(tree(data));
        assertThat(c.id).isEqualTo("c-1");
        assertThat(c.model).isEqualTo("qwen");
        assertThat(c.usage).isEqualTo(new Usage(9, 11, 20, 4, 2, false));
        assertThat(c.choice.content).isEqualTo("hi");
        assertThat(c.choice.finishReason).isEqualTo("stop");
    }

    @Test
    void emptyChoicesNoIndexNullDeltaAndNullContent() {
        Chunk empty = read("{\"choices\":[],\"usage\":{\"prompt_tokens\":\"3\",\"completion_tokens\":null}}");
        assertThat(empty.choices).isFalse();
        assertThat(empty.usage).isEqualTo(new Usage(null, null, null, null, null, false));

        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}").content).isEqualTo("x");
        Chunk nullDelta = read("{\"choices\":[{\"index\":0,\"delta\":null,\"finish_reason\":\"length\"}]}");
        assertThat(nullDelta.choices).isTrue();
        assertThat(nullDelta.choice.hasDelta).isFalse();
        assertThat(nullDelta.choice.finishReason).isEqualTo("length");
        Chunk.Choice nullContent = choiceOf("{\"choices\":[{\"index\":0,\"delta\":{\"content\":null}}]}");
        assertThat(nullContent.hasDelta).isTrue();
        assertThat(nullContent.content).isNull();
        // no delta: the message; a delta object wins over a message in either order
        assertThat(choiceOf("{\"choices\":[{\"message\":{\"content\":\"m\"}}]}").content).isEqualTo("m");
        assertThat(choiceOf("{\"choices\":[{\"message\":{\"content\":\"m\"},\"delta\":{}}]}").content).isNull();
        assertThat(choiceOf("{\"choices\":[{\"delta\":{},\"message\":{\"content\":\"m\"}}]}").content).isNull();
        assertThat(choiceOf("{\"choices\":[{\"delta\":\"no\",\"message\":{\"content\":\"m\"}}]}").content)
                .isEqualTo("m");
    }

    @Test
    void theChoiceOfIndexZeroElseTheFirstObject() {
        assertThat(choiceOf("{\"choices\":[null,{\"index\":1,\"delta\":{\"content\":\"one\"}},"
                + "{\"index\":0.0,\"delta\":{\"content\":\"zero\"}},{\"delta\":{\"content\":\"none\"}}]}").content)
                .isEqualTo("zero");
        assertThat(choiceOf("{\"choices\":[{\"index\":2,\"delta\":{\"content\":\"two\"}},"
                + "{\"index\":1,\"delta\":{\"content\":\"one\"}}]}").content).isEqualTo("two");
        assertThat(choiceOf("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"one\"}},"
                + "{\"index\":\"1\",\"delta\":{\"content\":\"a string is no index\"}}]}").content)
                .isEqualTo("a string is no index");
        Chunk noObject = read("{\"choices\":[1,\"x\",null]}");
        assertThat(noObject.choices).isTrue();
        assertThat(noObject.choice).isNull();
    }

    @Test
    void unknownNestedValuesAreSkippedAndOddValuesReadAsTheTreeDoes() {
        Chunk.Choice c = choiceOf("{\"x\":{\"a\":[1,{\"b\":[[]]}],\"choices\":5},\"choices\":[{\"logprobs\":"
                + "{\"content\":[{\"token\":\"t\"}]},\"delta\":{\"role\":\"assistant\",\"extra\":{\"content\":\"no\"},"
                + "\"content\":\"caf\\u00e9 \\ud83c\\udf0d \\\"q\\\"\"},\"index\":0}]}");
        assertThat(c.content).isEqualTo("café 🌍 \"q\"");
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"content\":{\"a\":[1,2]}}}]}").content)
                .isEqualTo("{\"a\":[1,2]}");
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"content\":12.50}}]}").content).isEqualTo("12.50");
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"content\":true}}]}").content).isEqualTo("true");
        assertThat(read("{\"id\":{\"k\":1},\"error\":null}").id).isEqualTo("{\"k\":1}");
        assertThat(read("{\"id\":\"c\",\"error\":null}").error).isFalse();
        assertThat(read("{\"error\":{\"message\":\"boom\"},\"choices\":[]}").error).isTrue();
    }

    @Test
    void reasoningFieldsTakeTheirOrderOfPrecedence() {
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"reasoning_details\":[{\"type\":\"reasoning.text\","
                + "\"text\":\"detail\"}],\"reasoning\":\"plain\"}}]}").reasoningText()).isEqualTo("plain");
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"reasoning\":\"plain\",\"reasoning_details\":"
                + "[{\"text\":\"detail\"}],\"reasoning_content\":\"rc\"}}]}").reasoningText()).isEqualTo("rc");
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"reasoning\":{\"effort\":\"high\"},\"reasoning_details\":"
                + "[{\"summary\":\"s\"},{\"data\":\"encrypted\"},{\"text\":\"t\"}]}}]}").reasoningText())
                .isEqualTo("st");
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"reasoning_content\":null,\"reasoning\":5}}]}")
                .reasoningText()).isEqualTo("5");
        // a field given twice: the last one counts, as in the tree
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"reasoning\":\"a\",\"reasoning_details\":[{\"text\":"
                + "\"d\"}],\"reasoning\":null}}]}").reasoningText()).isEqualTo("d");
        assertThat(choiceOf("{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":null,\"message\":"
                + "{\"content\":\"m\"}}]}").content).isEqualTo("m");
    }

    @Test
    void theIdAndModelAreReadOnlyWhileWanted() {
        ChunkParser p = new ChunkParser();
        Chunk c = p.read("{\"id\":\"a\",\"model\":\"m\",\"choices\":[]}");
        assertThat(c.id).isEqualTo("a");
        c.wantId = false;
        c.wantModel = false;
        Chunk again = p.read("{\"id\":\"b\",\"model\":\"n\",\"choices\":[]}");
        assertThat(again).isSameAs(c);
        assertThat(again.id).isNull();
        assertThat(again.model).isNull();
    }

    @Test
    void whatIsNotOneObjectFailsAsTheTreeDoesAndTheNextChunkStillReads() {
        ChunkParser p = new ChunkParser();
        String ok = "{\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}";
        for (String bad : List.of("", "[1]", "\"s\"", "<html>", ok + " x", ok + ok, ok + " null", ok.substring(0, 20),
                "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]", "{\"a\":}", "{\"a\" 1}")) {
            assertThatThrownBy(() -> p.read(bad)).as(bad).isInstanceOf(JsonParseException.class);
            assertThatThrownBy(() -> new ChunkParser().parse(bad)).as(bad).isInstanceOf(JsonParseException.class);
            assertThat(p.read(ok).choice.content).isEqualTo("ok");
        }
    }

    @Test
    void randomChunksReadAsTheirTreesAndMakeTheSameCompletion() {
        Random rnd = new Random(15);
        for (int stream = 0; stream < 400; stream++) {
            ChunkParser streaming = new ChunkParser();
            ChunkParser trees = new ChunkParser();
            StreamAccumulator a = new StreamAccumulator();
            StreamAccumulator b = new StreamAccumulator();
            Chunk fromTrees = new Chunk(); // the reference: each chunk's tree read by Chunk.from, one holder a stream
            long now = 0;
            int chunks = 1 + rnd.nextInt(30);
            for (int i = 0; i < chunks; i++) {
                String data = Gen.chunk(rnd);
                now += 1_000_000;
                JsonObject o;
                try {
                    o = trees.parse(data);
                } catch (JsonParseException e) {
                    assertThatThrownBy(() -> streaming.read(data)).as(data).isInstanceOf(JsonParseException.class);
                    continue;
                }
                Chunk c = streaming.read(data);
                Chunk expected = new Chunk();
                expected.wantId = c.wantId;
                expected.wantModel = c.wantModel;
                assertThat(view(c)).as(data).isEqualTo(view(expected.from(o)));
                assertThat(a.onChunk(c, now)).as(data).isEqualTo(b.onChunk(fromTrees.from(o), now));
            }
            assertThat(a.finish()).isEqualTo(b.finish());
            Completion ca = a.snapshot("req", null, 200, Map.of(), 0, now, true);
            Completion cb = b.snapshot("req", null, 200, Map.of(), 0, now, true);
            assertThat(ca).isEqualTo(cb);
        }
    }

    /** Random chunks: any field order, repeated fields, odd values, now and then broken. */
    private static final class Gen {
        static String chunk(Random r) {
            List<String> fields = new ArrayList<>();
            maybe(r, 0.7, () -> fields.add("\"id\":" + scalar(r, "\"chatcmpl-" + r.nextInt(3) + "\"")));
            maybe(r, 0.5, () -> fields.add("\"model\":" + scalar(r, "\"qwen\"")));
            maybe(r, 0.4, () -> fields.add("\"object\":\"chat.completion.chunk\",\"created\":1700000000"));
            maybe(r, 0.9, () -> fields.add("\"choices\":" + choices(r)));
            maybe(r, 0.1, () -> fields.add("\"choices\":" + choices(r)));
            maybe(r, 0.25, () -> fields.add("\"usage\":" + (r.nextInt(4) == 0 ? scalar(r, "null") : usage(r))));
            maybe(r, 0.03, () -> fields.add("\"error\":" + (r.nextBoolean() ? "null" : "{\"message\":\"x\"}")));
            maybe(r, 0.2, () -> fields.add("\"x_" + r.nextInt(3) + "\":" + unknown(r, 2)));
            Collections.shuffle(fields, r);
            String s = "{" + String.join(",", fields) + "}";
            int damage = r.nextInt(40);
            if (damage == 0 && s.length() > 2) {
                return s.substring(0, r.nextInt(s.length()));
            }
            return damage == 1 ? s + (r.nextBoolean() ? " {}" : " x") : damage == 2 ? "[" + s + "]" : s;
        }

        static String choices(Random r) {
            if (r.nextInt(15) == 0) {
                return scalar(r, "{}");
            }
            List<String> items = new ArrayList<>();
            int n = r.nextInt(10) == 0 ? r.nextInt(4) : 1;
            for (int i = 0; i < n; i++) {
                items.add(r.nextInt(8) == 0 ? scalar(r, "null") : choice(r));
            }
            return "[" + String.join(",", items) + "]";
        }

        static String choice(Random r) {
            List<String> f = new ArrayList<>();
            maybe(r, 0.8, () -> f.add("\"index\":" + pick(r, "0", "1", "2", "0.0", "0.4", "-0", "\"0\"", "null",
                    "4294967296", "1e0")));
            maybe(r, 0.6, () -> f.add("\"finish_reason\":" + pick(r, "null", "null", "\"stop\"", "\"length\"",
                    "\"tool_calls\"", "{\"r\":1}", "3")));
            maybe(r, 0.85, () -> f.add("\"delta\":" + (r.nextInt(10) == 0 ? scalar(r, "null") : delta(r))));
            maybe(r, 0.15, () -> f.add("\"message\":" + (r.nextInt(5) == 0 ? scalar(r, "null") : delta(r))));
            maybe(r, 0.05, () -> f.add("\"delta\":" + delta(r)));
            maybe(r, 0.3, () -> f.add("\"logprobs\":" + unknown(r, 2)));
            Collections.shuffle(f, r);
            return "{" + String.join(",", f) + "}";
        }

        static String delta(Random r) {
            List<String> f = new ArrayList<>();
            maybe(r, 0.3, () -> f.add("\"role\":\"assistant\""));
            maybe(r, 0.7, () -> f.add("\"content\":" + scalar(r, text(r))));
            maybe(r, 0.25, () -> f.add("\"reasoning_content\":" + scalar(r, text(r))));
            maybe(r, 0.25, () -> f.add("\"reasoning\":" + scalar(r, text(r))));
            maybe(r, 0.04, () -> f.add("\"reasoning\":" + scalar(r, text(r))));
            maybe(r, 0.2, () -> f.add("\"reasoning_details\":" + details(r)));
            maybe(r, 0.03, () -> f.add("\"content\":" + scalar(r, text(r))));
            maybe(r, 0.15, () -> f.add("\"tool_calls\":" + tools(r)));
            Collections.shuffle(f, r);
            return "{" + String.join(",", f) + "}";
        }

        static String details(Random r) {
            if (r.nextInt(8) == 0) {
                return scalar(r, "null");
            }
            List<String> items = new ArrayList<>();
            for (int i = r.nextInt(3); i >= 0; i--) {
                items.add(pick(r, "{\"type\":\"reasoning.text\",\"text\":" + text(r) + "}",
                        "{\"type\":\"reasoning.summary\",\"summary\":" + text(r) + "}",
                        "{\"type\":\"reasoning.encrypted\",\"data\":\"zz\"}", "null", "{\"text\":{\"no\":1}}"));
            }
            return "[" + String.join(",", items) + "]";
        }

        static String tools(Random r) {
            if (r.nextInt(8) == 0) {
                return scalar(r, "null");
            }
            return "[{\"index\":" + pick(r, "0", "1", "null", "\"0\"") + ",\"id\":" + pick(r, "\"call_1\"", "null",
                    "\"\"") + ",\"type\":\"function\",\"function\":{\"name\":" + pick(r, "\"f\"", "null") + ","
                    + "\"arguments\":" + pick(r, "\"{\\\"a\\\"\"", "\":1}\"", "null") + "}}]";
        }

        static String usage(Random r) {
            List<String> f = new ArrayList<>();
            for (String name : List.of("prompt_tokens", "completion_tokens", "total_tokens", "reasoning_tokens",
                    "cached_tokens")) {
                maybe(r, 0.6, () -> f.add("\"" + name + "\":" + number(r)));
            }
            maybe(r, 0.3, () -> f.add("\"completion_tokens_details\":" + pick(r, "null", "{\"reasoning_tokens\":"
                    + number(r) + "}", "{}", "{\"reasoning_tokens\":1,\"reasoning_tokens\":" + number(r) + "}")));
            maybe(r, 0.3, () -> f.add("\"prompt_tokens_details\":" + pick(r, "null", "{\"cached_tokens\":"
                    + number(r) + ",\"audio_tokens\":0}", "[1]")));
            maybe(r, 0.1, () -> f.add("\"prompt_tokens\":" + number(r)));
            Collections.shuffle(f, r);
            return "{" + String.join(",", f) + "}";
        }

        static String number(Random r) {
            return pick(r, "0", "7", "12", "300", "2.5", "1e2", "-0", "\"5\"", "null", "true", "{\"n\":1}",
                    "99999999999");
        }

        static String text(Random r) {
            return pick(r, "\"Hel\"", "\"lo \"", "\"\"", "\"<think>\"", "\"</think>\"", "\"\\n\\n\"", "\"x<thi\"",
                    "\"nk>y\"", "\"\\u4f60\\u597d\"", "\"\\ud83c\\udf0d\"", "\"tab\\tquote\\\"\"", "\"a</think>b\"");
        }

        /** Mostly {@code usual}, now and then another kind of value. */
        static String scalar(Random r, String usual) {
            return r.nextInt(6) != 0 ? usual : pick(r, "null", "12", "1.50", "true", "false", "{\"k\":[1,\"v\"]}",
                    "[\"a\",2]", "'single'", "unquoted");
        }

        static String unknown(Random r, int depth) {
            if (depth == 0 || r.nextBoolean()) {
                return scalar(r, "\"v\"");
            }
            return r.nextBoolean() ? "{\"content\":" + unknown(r, depth - 1) + ",\"choices\":[]}"
                    : "[" + unknown(r, depth - 1) + "," + unknown(r, depth - 1) + "]";
        }

        static String pick(Random r, String... options) {
            return options[r.nextInt(options.length)];
        }

        static void maybe(Random r, double p, Runnable add) {
            if (r.nextDouble() < p) {
                add.run();
            }
        }
    }
}
