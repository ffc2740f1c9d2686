package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.service.batch.BatchProgress;
import java.time.Duration;
import java.util.Locale;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** A run's progress in figures and words: the bar, the counts, retries, limiter, spend and ETA (FX thread). */
final class RunFigures {
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress", 0);
    private final StringProperty counts = new SimpleStringProperty(this, "counts", "");
    private final StringProperty retries = new SimpleStringProperty(this, "retries", "");
    private final StringProperty limiter = new SimpleStringProperty(this, "limiter", "");
    private final StringProperty spend = new SimpleStringProperty(this, "spend", "");
    private final StringProperty eta = new SimpleStringProperty(this, "eta", "");
    private final IntegerProperty failed = new SimpleIntegerProperty(this, "failed", 0);
    private final IntegerProperty notRun = new SimpleIntegerProperty(this, "notRun", 0);

    /** A new file: nothing run yet. */
    void clear() {
        progress.set(0);
        counts.set("");
        limiter.set("");
        eta.set("");
        failed.set(0);
        notRun.set(0);
    }

    void apply(BatchProgress p) {
        progress.set(p.ended());
        failed.set(p.failed());
        notRun.set(p.notRun());
        counts.set((p.paused() ? "Paused · " : "") + String.format(Locale.ROOT, "%d/%d done · %d failed · %d in flight · %d queued · %d not run · %d invalid",
                p.done(), p.valid(), p.failed(), p.inFlight(), p.queued(), p.notRun(), p.invalid()));
        retries.set(p.retries() + " retries");
        limiter.set(p.limiter() == null ? "" : "limiter: " + p.limiter());
        spend.set("$" + Amounts.plain(p.spentUsd()) + " spent");
        // paused, the time left is not known: no ETA that grows while nothing is sent
        eta.set(p.paused() ? "ETA – (paused)" : p.eta() == null ? "ETA –" : "ETA " + eta(p.eta()));
    }

    private static String eta(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    DoubleProperty progressProperty() { return progress; }
    StringProperty countsProperty() { return counts; }
    StringProperty retriesProperty() { return retries; }
    StringProperty limiterProperty() { return limiter; }
    StringProperty spendProperty() { return spend; }
    StringProperty etaProperty() { return eta; }
    /** The run's failed rows (as the store counted them when it started, then as they end). */
    IntegerProperty failedProperty() { return failed; }
    /** The run's rows left not run (a cancel, a budget stop). */
    IntegerProperty notRunProperty() { return notRun; }
}
