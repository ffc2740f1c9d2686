package dev.llmworkbench.service.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.service.compare.CompareMarks.Figures;
import dev.llmworkbench.service.compare.CompareMarks.Mark;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareMarksTest {
    @Test
    void eachFigureMarksItsBestLaneAmongThoseThatFinished() {
        List<List<Mark>> marks = CompareMarks.of(List.of(
                new Figures(true, 120.0, 900.0, new BigDecimal("0.0020")),
                new Figures(true, 80.0, 1500.0, new BigDecimal("0.0010")),
                new Figures(false, 10.0, 20.0, BigDecimal.ZERO), // failed: never marked, though its figures are best
                new Figures(true, 300.0, 700.0, null)));          // no price: never the cheapest
        assertThat(marks).containsExactly(List.of(), List.of(Mark.FIRST, Mark.CHEAPEST), List.of(),
                List.of(Mark.FASTEST));
    }

    @Test
    void aTieMarksBothAndNoFiguresMarkNobody() {
        List<List<Mark>> marks = CompareMarks.of(List.of(new Figures(true, 50.0, 500.0, new BigDecimal("0.10")),
                new Figures(true, 50.0, 600.0, new BigDecimal("0.1"))));
        assertThat(marks.get(0)).containsExactly(Mark.FIRST, Mark.FASTEST, Mark.CHEAPEST);
        assertThat(marks.get(1)).containsExactly(Mark.FIRST, Mark.CHEAPEST);
        assertThat(CompareMarks.of(List.of(new Figures(true, null, null, null)))).containsExactly(List.of());
    }
}
