package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ApiKey;
import org.junit.jupiter.api.Test;

class RedactorTest {
    @Test
    void masksKnownKeysAndBearerTokensButLeavesProseAlone() {
        Redactor r = new Redactor();
        r.remember(ApiKey.of("sk-abcdefghijklmnop"));
        r.remember("short"); // too short to mask safely
        assertThat(r.text("key sk-abcdefghijklmnop here")).isEqualTo("key *** here");
        assertThat(r.text("Authorization: Bearer eyJhbGciOi.J9x1")).isEqualTo("Authorization: Bearer ***");
        assertThat(r.text("Bearer tokens expire; basic arithmetic is short work"))
                .isEqualTo("Bearer tokens expire; basic arithmetic is short work");
        assertThat(r.text(null)).isNull();
    }

    @Test
    void jsonLosesCredentialFieldsAtAnyDepthAndKeepsEverythingElse() {
        Redactor r = new Redactor();
        String in = "{\"a\":1,\"b\":[{\"X-API-Key\":\"v\",\"c\":2.5}],\"Proxy-Authorization\":\"x\","
                + "\"api_key_env\":\"NAME\",\"big\":12345678901234567890}";
        assertThat(r.json(in)).isEqualTo("{\"a\":1,\"b\":[{\"c\":2.5}],\"api_key_env\":\"NAME\","
                + "\"big\":12345678901234567890}");
        assertThat(r.json("{\"prompt\":\"hello\"}")).isEqualTo("{\"prompt\":\"hello\"}");
        assertThat(r.json("not json Bearer abcdef1234567890")).isEqualTo("not json Bearer ***");
        assertThat(Redactor.isSecretName("x-api-key")).isTrue();
        assertThat(Redactor.isSecretName("max_tokens")).isFalse();
    }

    @Test
    void theCheapPreCheckSkipsAnOrdinaryRequestAndStillCatchesNamesSpelledWithSeparators() {
        Redactor r = new Redactor();
        String request = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":16,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        assertThat(r.json(request)).isSameAs(request); // no walk: returned as it came
        assertThat(r.json("{\"Access-Token\":\"t\",\"max_tokens\":16}")).isEqualTo("{\"max_tokens\":16}");
        assertThat(r.json("{\"a_c_c_e_s_s.t_o_k_e_n\":\"t\",\"n\":1}")).isEqualTo("{\"n\":1}");
        assertThat(r.json("{\"P-a-s-s-w-o-r-d\":\"t\"}")).isEqualTo("{}");
        assertThat(r.json("{\"x\":\"\\u0041pi\"}")).isEqualTo("{\"x\":\"Api\"}"); // an escape forces the walk
    }
}
