package dev.llmworkbench.service.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EvalChecksTest {
    private static boolean pass(String type, String value, String output) {
        return EvalChecks.evaluate(new EvalPlan.Check(type, value), output).pass();
    }

    @Test
    void eachCheckAndItsNegation() {
        assertThat(pass("equals", "4", "4")).isTrue();
        assertThat(pass("equals", "4", "4 ")).isFalse(); // exact, as promptfoo
        assertThat(pass("contains", "Par", "in Paris")).isTrue();
        assertThat(pass("contains", "par", "in Paris")).isFalse();
        assertThat(pass("icontains", "par", "in Paris")).isTrue();
        assertThat(pass("not-icontains", "PARIS", "in Paris")).isFalse();
        assertThat(pass("not-contains", "Rome", "in Paris")).isTrue();
        assertThat(pass("starts-with", "in", "in Paris")).isTrue();
        assertThat(pass("not-starts-with", "in", "in Paris")).isFalse();
        assertThat(pass("regex", "^\\d+$", "123")).isTrue();
        assertThat(pass("regex", "\\d", "no digits")).isFalse();
        assertThat(pass("contains-any", "x,Par", "in Paris")).isTrue();
        assertThat(pass("contains-all", "x,Par", "in Paris")).isFalse();
        assertThat(pass("icontains-all", "IN,paris", "in Paris")).isTrue();
        assertThat(pass("is-json", null, "{\"a\": 1}")).isTrue();
        assertThat(pass("is-json", null, "{\"a\": 1} trailing")).isFalse();
        assertThat(pass("contains-json", null, "here: {\"a\": [1, 2]} done")).isTrue();
        assertThat(pass("contains-json", null, "here: {a: 1} done")).isFalse();
        assertThat(pass("not-is-json", null, "plain")).isTrue();
        EvalChecks.Result r = EvalChecks.evaluate(new EvalPlan.Check("contains", "Rome"), "in Paris");
        assertThat(r.reason()).isEqualTo("the output does not contain 'Rome'");
    }

    @Test
    void theJudgesAnswerIsAVerdictOrAFailure() {
        EvalPlan.Check c = new EvalPlan.Check("llm-similar", "four");
        assertThat(EvalChecks.verdict(c, "{\"pass\": true, \"reason\": \"same\"}").pass()).isTrue();
        assertThat(EvalChecks.verdict(c, "```json\n{\"pass\": false, \"reason\": \"no\"}\n```").pass()).isFalse();
        EvalChecks.Result bad = EvalChecks.verdict(c, "yes it is");
        assertThat(bad.pass()).isFalse();
        assertThat(bad.reason()).startsWith("the judge's answer is not a verdict");
        assertThat(EvalChecks.verdict(c, "{\"pass\": \"true\"}").pass()).isFalse();
    }
}
