package dev.llmworkbench.ui.compare;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;

/**
 * Scrolls the lanes' answers together while {@code enabled}: scrolling one to a point (a fraction of its length)
 * scrolls the others to the same fraction of theirs. FX thread.
 */
final class ScrollSync {
    private final ObservableBooleanValue enabled;
    private final List<ScrollPane> panes = new ArrayList<>();
    private boolean moving;

    ScrollSync(ObservableBooleanValue enabled) {
        this.enabled = enabled;
    }

    /** Follows {@code area} once its skin (and the scroll pane inside it) exists. */
    void add(TextArea area) {
        if (area.getSkin() != null) {
            attach(area);
        } else {
            area.skinProperty().addListener((o, a, b) -> {
                if (b != null) {
                    attach(area);
                }
            });
        }
    }

    /** Forgets the areas of lanes no longer shown. */
    void retain(List<TextArea> areas) {
        panes.removeIf(p -> areas.stream().noneMatch(a -> isInside(p, a)));
    }

    private static boolean isInside(Node n, Node parent) {
        for (Node x = n; x != null; x = x.getParent()) {
            if (x == parent) {
                return true;
            }
        }
        return false;
    }

    private void attach(TextArea area) {
        Node n = area.lookup(".scroll-pane");
        if (!(n instanceof ScrollPane sp) || panes.contains(sp)) {
            return;
        }
        panes.add(sp);
        sp.vvalueProperty().addListener((o, a, b) -> follow(sp, b.doubleValue()));
    }

    private void follow(ScrollPane source, double v) {
        if (moving || !enabled.get()) {
            return;
        }
        moving = true;
        try {
            double fraction = (v - source.getVmin()) / Math.max(1e-9, source.getVmax() - source.getVmin());
            for (ScrollPane p : panes) {
                if (p != source) {
                    p.setVvalue(p.getVmin() + fraction * (p.getVmax() - p.getVmin()));
                }
            }
        } finally {
            moving = false;
        }
    }
}
