package dev.llmworkbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultSpecTest {
    @Test
    void parsesEveryName() {
        FaultSpec f = FaultSpec.parse("ttft-ms=200, tps=80,jitter=0.1,rate429=0.1,retry-after-ms=300,rate5xx=0.05,"
                + "drop=0.02,stall=0.01,error-event=0.01,rpm=600,tpm=100000,key=abc");
        assertThat(f.ttftMs()).hasValue(200);
        assertThat(f.tps()).hasValue(80);
        assertThat(f.jitter()).hasValue(0.1);
        assertThat(f.rate429()).isEqualTo(0.1);
        assertThat(f.retryAfterMs()).isEqualTo(300);
        assertThat(f.rate5xx()).isEqualTo(0.05);
        assertThat(f.drop()).isEqualTo(0.02);
        assertThat(f.stall()).isEqualTo(0.01);
        assertThat(f.errorEvent()).isEqualTo(0.01);
        assertThat(f.rpm()).isEqualTo(600);
        assertThat(f.tpm()).isEqualTo(100000);
        assertThat(f.acceptsKey("abc")).isTrue();
        assertThat(f.acceptsKey("abd")).isFalse();
        assertThat(f.acceptsKey(null)).isFalse();
        assertThat(f.toString()).contains("key=***").doesNotContain("abc");
        assertThat(f.burst()).as("one minute's worth by default").isEqualTo(600);
        assertThat(f.burstTokens()).isEqualTo(100000);
        assertThat(f.rateLimitHeaders()).isTrue();
        assertThat(f.cutOnce()).isFalse();
        assertThat(f.ignoreMaxTokens()).isFalse();
    }

    @Test
    void parsesTheQuotaAndStreamSwitches() {
        FaultSpec f = FaultSpec.parse("rpm=240,burst=4,tpm=6000,burst-tokens=500,ratelimit-headers=0,cut-once=1,"
                + "ignore-max-tokens=true");
        assertThat(f.rpm()).isEqualTo(240);
        assertThat(f.burst()).isEqualTo(4);
        assertThat(f.tpm()).isEqualTo(6000);
        assertThat(f.burstTokens()).isEqualTo(500);
        assertThat(f.rateLimitHeaders()).isFalse();
        assertThat(f.cutOnce()).isTrue();
        assertThat(f.ignoreMaxTokens()).isTrue();
        assertThat(f.toString()).isEqualTo("rpm=240,burst=4,tpm=6000,burst-tokens=500,ratelimit-headers=0,cut-once=1,"
                + "ignore-max-tokens=1");
        assertThat(FaultSpec.parse(f.toString())).isEqualTo(f).hasSameHashCodeAs(f);
        assertThat(FaultSpec.parse("burst=4").burst()).as("no rpm, no bucket").isZero();
        assertThat(FaultSpec.NONE.rateLimitHeaders()).isTrue();
    }

    @Test
    void toStringListsEveryNameInOrder() {
        String all = "ttft-ms=200,tps=80.0,jitter=0.1,rate429=0.1,retry-after-ms=300,rate5xx=0.05,drop=0.02,"
                + "stall=0.01,error-event=0.01,rpm=600,burst=10,tpm=100000,burst-tokens=5000,ratelimit-headers=1,"
                + "cut-once=0,ignore-max-tokens=1";
        assertThat(FaultSpec.parse(all + ",key=abc").toString()).isEqualTo(all + ",key=***");
        assertThat(FaultSpec.parse("key=abc,cut-once=1,tps=5").toString()).isEqualTo("tps=5.0,cut-once=1,key=***");
    }

    @Test
    void badSwitchesAndBurstsAreErrorsNamingTheEntry() {
        assertThatThrownBy(() -> FaultSpec.parse("cut-once=2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut-once").hasMessageContaining("0 or 1");
        assertThatThrownBy(() -> FaultSpec.parse("ratelimit-headers=off")).hasMessageContaining("ratelimit-headers");
        assertThatThrownBy(() -> FaultSpec.parse("ignore-max-tokens=")).hasMessageContaining("ignore-max-tokens");
        assertThatThrownBy(() -> FaultSpec.parse("burst=0")).hasMessageContaining("burst");
        assertThatThrownBy(() -> FaultSpec.parse("burst-tokens=x")).hasMessageContaining("burst-tokens");
        assertThatThrownBy(() -> FaultSpec.parse("cut-once=1,cut-once=0")).hasMessageContaining("twice");
        assertThatThrownBy(() -> FaultSpec.parse("cutonce=1")).hasMessageContaining("unknown fault name 'cutonce'")
                .hasMessageContaining("cut-once").hasMessageContaining("ignore-max-tokens");
    }

    @Test
    void blankIsNone() {
        assertThat(FaultSpec.parse("")).isEqualTo(FaultSpec.NONE);
        assertThat(FaultSpec.parse(null)).isEqualTo(FaultSpec.NONE);
        assertThat(FaultSpec.NONE.acceptsKey(null)).isTrue();
        assertThat(FaultSpec.NONE.retryAfterMs()).isEqualTo(FaultSpec.DEFAULT_RETRY_AFTER_MS);
    }

    @Test
    void unknownNamesAndBadValuesAreErrors() {
        assertThatThrownBy(() -> FaultSpec.parse("explode=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown fault name 'explode'");
        assertThatThrownBy(() -> FaultSpec.parse("tps=fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tps");
        assertThatThrownBy(() -> FaultSpec.parse("drop=1.5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("drop");
        assertThatThrownBy(() -> FaultSpec.parse("rpm=0")).hasMessageContaining("rpm");
        assertThatThrownBy(() -> FaultSpec.parse("ttft-ms=-1")).hasMessageContaining("ttft-ms");
        assertThatThrownBy(() -> FaultSpec.parse("tps")).hasMessageContaining("name=value");
        assertThatThrownBy(() -> FaultSpec.parse("tps=1,tps=2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> FaultSpec.parse("tps=1,,drop=0")).hasMessageContaining("empty");
        assertThatThrownBy(() -> FaultSpec.parse("key=")).hasMessageContaining("key");
        assertThatThrownBy(() -> FaultSpec.parse("key=topsecret,,")).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret"));
    }

    @Test
    void mergeLetsTheOverrideWin() {
        FaultSpec server = FaultSpec.parse("tps=50,drop=0.1,key=k");
        FaultSpec merged = server.merge(FaultSpec.parse("tps=0,rate5xx=1"));
        assertThat(merged.tps()).hasValue(0);
        assertThat(merged.drop()).isEqualTo(0.1);
        assertThat(merged.rate5xx()).isEqualTo(1);
        assertThat(merged.acceptsKey("k")).isTrue();
        assertThat(server.merge(FaultSpec.NONE)).isSameAs(server);
        assertThat(FaultSpec.NONE.merge(server)).isEqualTo(server);
        FaultSpec quota = FaultSpec.parse("rpm=240,burst=4,cut-once=1");
        FaultSpec off = quota.merge(FaultSpec.parse("cut-once=0,ratelimit-headers=0"));
        assertThat(off.cutOnce()).isFalse();
        assertThat(off.rateLimitHeaders()).isFalse();
        assertThat(off.burst()).isEqualTo(4);
        assertThat(quota.merge(FaultSpec.parse("rpm=60")).burst()).isEqualTo(4);
    }
}
