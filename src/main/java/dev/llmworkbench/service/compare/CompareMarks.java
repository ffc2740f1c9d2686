package dev.llmworkbench.service.compare;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Which lanes of a comparison were first (lowest TTFT), fastest (lowest end-to-end) and cheapest (lowest cost in
 * USD), among the lanes that finished without an error. The figures are the service's, as recorded; nothing here
 * measures or prices anything. A tie marks every lane that has the best figure. Pure functions.
 */
public final class CompareMarks {
    /** A lane's recorded figures (null: not known, such a lane is never marked for that figure). */
    public record Figures(boolean ok, Double ttftMs, Double e2eMs, BigDecimal costUsd) {
    }

    /** A mark and what it means. */
    public enum Mark {
        FIRST("first", "lowest time to first token"),
        FASTEST("fastest", "lowest end-to-end time"),
        CHEAPEST("cheapest", "lowest cost");

        private final String word;
        private final String meaning;

        Mark(String word, String meaning) {
            this.word = word;
            this.meaning = meaning;
        }

        public String word() {
            return word;
        }

        public String meaning() {
            return meaning;
        }
    }

    private CompareMarks() {
    }

    /** The marks of each lane, in lane order (an empty list for a lane with none). */
    public static List<List<Mark>> of(List<Figures> lanes) {
        List<List<Mark>> out = new ArrayList<>();
        lanes.forEach(l -> out.add(new ArrayList<>()));
        Double ttft = null;
        Double e2e = null;
        BigDecimal cost = null;
        for (Figures f : lanes) {
            if (!f.ok()) {
                continue;
            }
            if (f.ttftMs() != null && (ttft == null || f.ttftMs() < ttft)) {
                ttft = f.ttftMs();
            }
            if (f.e2eMs() != null && (e2e == null || f.e2eMs() < e2e)) {
                e2e = f.e2eMs();
            }
            if (f.costUsd() != null && (cost == null || f.costUsd().compareTo(cost) < 0)) {
                cost = f.costUsd();
            }
        }
        for (int i = 0; i < lanes.size(); i++) {
            Figures f = lanes.get(i);
            if (!f.ok()) {
                continue;
            }
            if (ttft != null && ttft.equals(f.ttftMs())) {
                out.get(i).add(Mark.FIRST);
            }
            if (e2e != null && e2e.equals(f.e2eMs())) {
                out.get(i).add(Mark.FASTEST);
            }
            if (cost != null && f.costUsd() != null && cost.compareTo(f.costUsd()) == 0) {
                out.get(i).add(Mark.CHEAPEST);
            }
        }
        return out.stream().map(List::copyOf).toList();
    }
}
