package dev.llmworkbench.client;

import static dev.llmworkbench.client.Sse.content;
import static dev.llmworkbench.client.Sse.events;
import static dev.llmworkbench.client.Sse.finish;
import static dev.llmworkbench.client.Sse.reasoning;
import static dev.llmworkbench.client.Sse.request;
import static dev.llmworkbench.client.Sse.sseResponse;
import static dev.llmworkbench.client.Sse.usage;
import static dev.llmworkbench.client.Sse.usageOnly;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ToolCall;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Every stream case of the issue, each against a real loopback server. */
class StreamReaderTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private Completion run(MockResponse response, Sse.Recorder rec) {
        server.enqueue(response);
        return Sse.client(server).start(request(), rec).result().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void plainStreamWithDoneAndUsage() {
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = run(sseResponse(events(content("Hel"), content("lo"), finish("stop"), usageOnly(5, 2),
                "[DONE]")).build(), rec);
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("Hello");
        assertThat(rec.content).containsExactly("Hel", "lo");
        assertThat(c.finishReason()).isEqualTo("stop");
        assertThat(c.usage().promptTokens()).isEqualTo(5);
        assertThat(c.usage().completionTokens()).isEqualTo(2);
        assertThat(c.httpStatus()).isEqualTo(200);
        assertThat(c.responseHeaders()).containsKey("content-type");
        assertThat(c.id()).isEqualTo("chatcmpl-1");
        assertThat(c.timing().outputTokens()).isEqualTo(2);
    }

    @Test
    void crlfLineEnds() {
        String body = events(content("a"), content("b"), finish("stop"), "[DONE]").replace("\n", "\r\n");
        Completion c = run(sseResponse(body).build(), new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("ab");
    }

    @Test
    void commentsAndEventIdRetryFieldsAreIgnored() {
        String body = ": keep-alive\n\n"
                + "event: message\nid: 1\nretry: 3000\ndata: " + content("x") + "\n\n"
                + ":another comment\n"
                + "id: 2\ndata: " + content("y") + "\n\n"
                + events(finish("stop"), "[DONE]");
        Completion c = run(sseResponse(body).build(), new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("xy");
    }

    @Test
    void dataSpanningSeveralLinesIsOneEvent() {
        String chunk = "{\"id\":\"c\",\"choices\":[\n{\"index\":0,\n\"delta\":{\"content\":\"multi\"}}]}";
        String body = "data: " + chunk.replace("\n", "\ndata: ") + "\n\n" + events(finish("stop"), "[DONE]");
        Completion c = run(sseResponse(body).build(), new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("multi");
    }

    @Test
    void multiByteUtf8SplitByteByByte() {
        Sse.Recorder rec = new Sse.Recorder();
        String body = events(content("你好，"), content("世界 🌍🚀"), content("é"), finish("stop"), "[DONE]");
        Completion c = run(sseResponse(body).throttleBody(1, 50, TimeUnit.MICROSECONDS).build(), rec);
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("你好，世界 🌍🚀é");
        assertThat(rec.text()).isEqualTo("你好，世界 🌍🚀é");
    }

    @Test
    void multiByteUtf8SplitByteByByteWhenNotStreaming() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body(wholeCompletion("中文回答 😀", null)).throttleBody(1, 50, TimeUnit.MICROSECONDS).build());
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = Sse.client(server).complete(request().toBuilder().stream(false).build(), rec);
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("中文回答 😀");
        assertThat(rec.content).containsExactly("中文回答 😀");
    }

    @Test
    void doneEndsTheStreamEvenWithoutFinishReason() {
        Completion c = run(sseResponse(events(content("partial"), "[DONE]")).build(), new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("partial");
    }

    @Test
    void streamEndingAfterFinishReasonWithoutDoneIsComplete() {
        Completion c = run(sseResponse(events(content("done"), finish("length"))).build(), new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("done");
        assertThat(c.finishReason()).isEqualTo("length");
    }

    @Test
    void streamEndingWithoutFinishReasonIsANetworkErrorKeepingThePartialText() {
        Completion c = run(sseResponse(events(content("half an "), content("answer"))).build(), new Sse.Recorder());
        assertThat(c.ok()).isFalse();
        assertThat(c.error().kind()).isEqualTo(ApiError.Kind.NETWORK);
        assertThat(c.error().code()).isEqualTo("incomplete_stream");
        assertThat(c.error().retryable()).isTrue();
        assertThat(c.text()).isEqualTo("half an answer");
    }

    @Test
    void errorEventInTheMiddleIsTypedAndKeepsThePartialText() {
        String err = "{\"error\":{\"message\":\"the model overloaded\",\"type\":\"server_error\",\"code\":\"overloaded\"}}";
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = run(sseResponse(events(content("before "), err, content("after"), finish("stop"))).build(),
                rec);
        assertThat(c.ok()).isFalse();
        assertThat(c.error().kind()).isEqualTo(ApiError.Kind.SERVER);
        assertThat(c.error().message()).isEqualTo("the model overloaded");
        assertThat(c.error().code()).isEqualTo("overloaded");
        assertThat(c.text()).isEqualTo("before ");
        assertThat(rec.text()).isEqualTo("before ");
    }

    @Test
    void errorEventWithRateLimitCodeIsRateLimited() {
        String err = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"code\":\"429\"}}";
        Completion c = run(sseResponse(events(content("x"), err)).build(), new Sse.Recorder());
        assertThat(c.error().kind()).isEqualTo(ApiError.Kind.RATE_LIMITED);
        assertThat(c.text()).isEqualTo("x");
    }

    @Test
    void lastChunkWithEmptyChoicesCarriesUsage() {
        String u = "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,"
                + "\"total_tokens\":18,\"completion_tokens_details\":{\"reasoning_tokens\":3},"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}";
        Completion c = run(sseResponse(events(content("a"), finish("stop"), u, "[DONE]")).build(), new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.usage().promptTokens()).isEqualTo(11);
        assertThat(c.usage().completionTokens()).isEqualTo(7);
        assertThat(c.usage().totalTokens()).isEqualTo(18);
        assertThat(c.usage().reasoningTokens()).isEqualTo(3);
        assertThat(c.usage().cachedTokens()).isEqualTo(4);
        assertThat(c.usage().estimated()).isFalse();
        assertThat(c.timing().outputTokens()).isEqualTo(7);
    }

    @Test
    void topLevelReasoningAndCachedTokensAreAccepted() {
        String u = "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                + "\"total_tokens\":3,\"reasoning_tokens\":1,\"cached_tokens\":1}}";
        Completion c = run(sseResponse(events(content("a"), finish("stop"), u, "[DONE]")).build(), new Sse.Recorder());
        assertThat(c.usage().reasoningTokens()).isEqualTo(1);
        assertThat(c.usage().cachedTokens()).isEqualTo(1);
    }

    @Test
    void usageRepeatedOnEveryChunkIsCountedOnceTakingTheLast() {
        JsonObject d1 = new JsonObject();
        d1.addProperty("content", "a");
        JsonObject c1 = Sse.delta(d1, null);
        c1.add("usage", com.google.gson.JsonParser.parseString(usage(5, 1)));
        JsonObject d2 = new JsonObject();
        d2.addProperty("content", "b");
        JsonObject c2 = Sse.delta(d2, null);
        c2.add("usage", com.google.gson.JsonParser.parseString(usage(5, 2)));
        JsonObject c3 = Sse.delta(new JsonObject(), "stop");
        c3.add("usage", com.google.gson.JsonParser.parseString(usage(5, 3)));
        Completion c = run(sseResponse(events(c1.toString(), c2.toString(), c3.toString(), "[DONE]")).build(),
                new Sse.Recorder());
        assertThat(c.usage().completionTokens()).isEqualTo(3);
        assertThat(c.usage().promptTokens()).isEqualTo(5);
        assertThat(c.usage().totalTokens()).isEqualTo(8);
    }

    @Test
    void reasoningContentIsKeptApart() {
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = run(sseResponse(events(reasoning("reasoning_content", "think "), reasoning("reasoning_content",
                "hard"), content("answer"), finish("stop"), "[DONE]")).build(), rec);
        assertThat(c.reasoning()).isEqualTo("think hard");
        assertThat(c.text()).isEqualTo("answer");
        assertThat(rec.thinking()).isEqualTo("think hard");
        assertThat(rec.text()).isEqualTo("answer");
    }

    @Test
    void reasoningFieldIsKeptApart() {
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = run(sseResponse(events(reasoning("reasoning", "hmm"), content("yes"), finish("stop"),
                "[DONE]")).build(), rec);
        assertThat(c.reasoning()).isEqualTo("hmm");
        assertThat(c.text()).isEqualTo("yes");
        assertThat(rec.thinking()).isEqualTo("hmm");
    }

    @Test
    void thinkTagsInContentSplitAcrossChunks() {
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = run(sseResponse(events(content("<thi"), content("nk>\nLet me "), content("see</th"),
                content("ink>\n\nThe answer"), content(" is 4."), finish("stop"), "[DONE]")).build(), rec);
        assertThat(c.reasoning()).isEqualTo("Let me see"); // the newline after <think> is not reasoning
        assertThat(c.text()).isEqualTo("The answer is 4.");
        assertThat(rec.thinking()).isEqualTo("Let me see");
        assertThat(rec.text()).isEqualTo("The answer is 4.");
    }

    @Test
    void loneClosingThinkTagMakesEarlierTextReasoning() {
        Completion c = run(sseResponse(events(content("I should add. "), content("2+2=4</"), content("think>"),
                content("\n\nFour."), finish("stop"), "[DONE]")).build(), new Sse.Recorder());
        assertThat(c.reasoning()).isEqualTo("I should add. 2+2=4");
        assertThat(c.text()).isEqualTo("Four.");
        assertThat(c.timing().ttfoMs()).isNotNull();
    }

    @Test
    void thinkTagAfterAnswerTextIsJustText() {
        Completion c = run(sseResponse(events(content("use the <think> tag"), finish("stop"), "[DONE]")).build(),
                new Sse.Recorder());
        assertThat(c.text()).isEqualTo("use the <think> tag");
        assertThat(c.reasoning()).isEmpty();
    }

    @Test
    void toolCallDeltasAreAssembledByIndex() {
        String t1 = toolDelta(0, "call_a", "get_", "{\"ci");
        String t2 = toolDelta(1, "call_b", "get_time", "");
        String t3 = toolDelta(0, null, "weather", "ty\": \"Par");
        String t4 = toolDelta(1, null, null, "{\"tz\":\"UTC\"}");
        String t5 = toolDelta(0, null, null, "is\"}");
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = run(sseResponse(events(t1, t2, t3, t4, t5, finish("tool_calls"), "[DONE]")).build(), rec);
        assertThat(c.ok()).isTrue();
        assertThat(c.finishReason()).isEqualTo("tool_calls");
        assertThat(c.toolCalls()).containsExactly(
                new ToolCall(0, "call_a", "function", "get_weather", "{\"city\": \"Paris\"}"),
                new ToolCall(1, "call_b", "function", "get_time", "{\"tz\":\"UTC\"}"));
        assertThat(rec.toolCalls).hasSize(5);
        assertThat(rec.toolCalls.get(4).arguments()).isEqualTo("{\"city\": \"Paris\"}");
    }

    @Test
    void oneMegabyteChunk() {
        String big = "x".repeat(1024 * 1024);
        Completion c = run(sseResponse(events(content(big), content("!"), finish("stop"), "[DONE]")).build(),
                new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).hasSize(1024 * 1024 + 1);
    }

    @Test
    void jsonBodyAlthoughStreamingWasAskedIsReadAsACompletion() {
        Sse.Recorder rec = new Sse.Recorder();
        Completion c = run(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body(wholeCompletion("<think>ponder</think>\n\nWhole answer", usage(3, 4))).build(), rec);
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("Whole answer");
        assertThat(c.reasoning()).isEqualTo("ponder");
        assertThat(c.usage().completionTokens()).isEqualTo(4);
        assertThat(rec.content).containsExactly("Whole answer");
        assertThat(rec.reasoning).containsExactly("ponder");
    }

    @Test
    void htmlPageAlthoughStreamingWasAskedIsMalformedWithAShortExcerpt() {
        String page = "<html><head><title>Gateway says no</title></head><body>" + "lorem ipsum ".repeat(2000)
                + "</body></html>";
        Completion c = run(new MockResponse.Builder().setHeader("Content-Type", "text/html").body(page).build(),
                new Sse.Recorder());
        assertThat(c.ok()).isFalse();
        assertThat(c.error().kind()).isEqualTo(ApiError.Kind.MALFORMED);
        assertThat(c.error().message()).contains("Gateway says no").hasSizeLessThan(400);
    }

    @Test
    void htmlErrorPageWithA502IsAServerErrorWithAShortExcerpt() {
        String page = "<html><body><h1>502 Bad Gateway</h1>" + "<p>nginx</p>".repeat(3000) + "</body></html>";
        Completion c = run(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/html").body(page)
                .build(), new Sse.Recorder());
        assertThat(c.error().kind()).isEqualTo(ApiError.Kind.SERVER);
        assertThat(c.error().status()).isEqualTo(502);
        assertThat(c.error().message()).startsWith("502 Bad Gateway").hasSizeLessThan(400);
        assertThat(c.httpStatus()).isEqualTo(502);
    }

    @Test
    void eventStreamWithoutTheRightContentTypeIsSniffed() {
        Completion c = run(new MockResponse.Builder().setHeader("Content-Type", "text/plain")
                .body(events(content("sniffed"), finish("stop"), "[DONE]")).build(), new Sse.Recorder());
        assertThat(c.ok()).isTrue();
        assertThat(c.text()).isEqualTo("sniffed");
    }

    @Test
    void unparseableEventIsMalformedKeepingThePartialText() {
        Completion c = run(sseResponse(events(content("ok so far"), "{not json")).build(), new Sse.Recorder());
        assertThat(c.error().kind()).isEqualTo(ApiError.Kind.MALFORMED);
        assertThat(c.text()).isEqualTo("ok so far");
    }

    static String toolDelta(int index, String id, String name, String args) {
        JsonObject fn = new JsonObject();
        if (name != null) {
            fn.addProperty("name", name);
        }
        fn.addProperty("arguments", args);
        JsonObject call = new JsonObject();
        call.addProperty("index", index);
        if (id != null) {
            call.addProperty("id", id);
            call.addProperty("type", "function");
        }
        call.add("function", fn);
        JsonArray calls = new JsonArray();
        calls.add(call);
        JsonObject d = new JsonObject();
        d.add("tool_calls", calls);
        return Sse.delta(d, null).toString();
    }

    static String wholeCompletion(String content, String usage) {
        JsonObject msg = new JsonObject();
        msg.addProperty("role", "assistant");
        msg.addProperty("content", content);
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("message", msg);
        choice.addProperty("finish_reason", "stop");
        JsonArray choices = new JsonArray();
        choices.add(choice);
        JsonObject o = new JsonObject();
        o.addProperty("id", "chatcmpl-9");
        o.addProperty("model", "qwen3-235b-a22b");
        o.add("choices", choices);
        if (usage != null) {
            o.add("usage", com.google.gson.JsonParser.parseString(usage));
        }
        return o.toString();
    }
}
