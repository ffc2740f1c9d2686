package dev.llmworkbench.service.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What reading a promptfoo configuration noted on the way: the parts that are not run (each listed once with a count
 * and the first few places it stands, in the order first met) and the warnings (each said once).
 */
final class ImportNotes {
    private static final int WHERE_SHOWN = 3;

    private final Map<String, Part> unsupported = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private static final class Part {
        final String what;
        final String why;
        final List<String> where = new ArrayList<>();
        int count;

        Part(String what, String why) {
            this.what = what;
            this.why = why;
        }
    }

    /** Notes a part that is not run: what it is, why, and where it stands. */
    void unsupported(String what, String why, String where) {
        Part u = unsupported.computeIfAbsent(what + "\u0000" + why, k -> new Part(what, why));
        u.count++;
        if (u.where.size() < WHERE_SHOWN) {
            u.where.add(where);
        }
    }

    /** Notes a warning, unless it was said already. */
    void warn(String warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

    /** The parts not run, in the order first met. */
    List<EvalPlan.Unsupported> unsupported() {
        List<EvalPlan.Unsupported> un = new ArrayList<>();
        for (Part u : unsupported.values()) {
            un.add(new EvalPlan.Unsupported(u.what, u.why, u.where, u.count));
        }
        return un;
    }

    /** The warnings, in the order said. */
    List<String> warnings() {
        return warnings;
    }
}
