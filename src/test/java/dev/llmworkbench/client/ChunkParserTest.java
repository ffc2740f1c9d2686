package dev.llmworkbench.client;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkParserTest {
    private static final String CHUNK = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"logprobs\":null,\"finish_reason\":null}]}";

    private static String chunk(String content) {
        return String.format(CHUNK, content);
    }

    @Test
    void oneParserReadsEveryChunkOfAStreamAsTheOneDocumentParserDoes() {
        ChunkParser p = new ChunkParser();
        for (int i = 0; i < 1_000; i++) {
            String data = chunk("token " + i);
            JsonObject o = p.parse(data);
            JsonObject expected = JsonParser.parseString(data).getAsJsonObject();
            expected.remove("object");
            expected.remove("created");
            expected.getAsJsonArray("choices").get(0).getAsJsonObject().remove("logprobs");
            assertThat(o).isEqualTo(expected);
        }
    }

    @Test
    void chunksLongerThanTheReadersBufferAndNestedValuesParse() {
        ChunkParser p = new ChunkParser();
        String longText = "x".repeat(5_000);
        assertThat(p.parse(chunk(longText)).getAsJsonArray("choices").get(0).getAsJsonObject()
                .getAsJsonObject("delta").get("content").getAsString()).isEqualTo(longText);
        JsonObject usage = p.parse("{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":2}}}  \n").getAsJsonObject("usage");
        assertThat(usage.get("prompt_tokens").getAsInt()).isEqualTo(12);
        assertThat(usage.getAsJsonObject("completion_tokens_details").get("reasoning_tokens").getAsInt()).isEqualTo(2);
        assertThat(p.parse(chunk("after")).toString()).contains("after");
    }

    @Test
    void anythingAfterTheObjectIsAnErrorOfThatChunkAndTheNextChunkStillParses() {
        ChunkParser p = new ChunkParser();
        assertThat(p.parse(chunk("a"))).isNotNull();
        assertThatThrownBy(() -> p.parse(chunk("b") + " trailing")).isInstanceOf(JsonParseException.class);
        assertThat(p.parse(chunk("c")).toString()).contains("\"c\"");
        assertThatThrownBy(() -> p.parse(chunk("d") + chunk("e"))).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> p.parse(chunk("f") + " null")).isInstanceOf(JsonParseException.class);
        assertThat(p.parse(chunk("g")).toString()).contains("\"g\"");
    }

    @Test
    void cutOffNonObjectAndEmptyChunksAreErrorsAndDoNotSpoilTheNextOne() {
        ChunkParser p = new ChunkParser();
        String whole = chunk("whole");
        assertThatThrownBy(() -> p.parse(whole.substring(0, 40))).isInstanceOf(JsonParseException.class);
        assertThat(p.parse(whole).toString()).contains("whole");
        assertThatThrownBy(() -> p.parse("[1,2]")).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> p.parse("\"text\"")).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> p.parse("<html>502 Bad Gateway</html>")).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> p.parse("")).isInstanceOf(JsonParseException.class);
        assertThat(p.parse(whole).toString()).contains("whole");
    }

    @Test
    void aChunkMayItselfContainTheMarkersCharacters() {
        ChunkParser p = new ChunkParser();
        assertThat(p.parse("{\"choices\":[],\"note\":\" \\\"\\u0001end of chunk\\\"\"}").get("note").getAsString())
                .isEqualTo(" \"\u0001end of chunk\"");
        assertThat(p.parse(chunk("next")).toString()).contains("next");
    }
}
