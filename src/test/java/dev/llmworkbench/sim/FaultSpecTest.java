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
    }
}
