package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.ui.batch.BatchViewModel.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The rows of the batch panel (the input rows, then their results), the status filter of the results table,
 * and which stored item each row shows: a running job's changed items update their rows in place.
 *
 * <p>Threads: the FX thread, except {@link #cursor()}, which the poller reads on the worker.
 */
final class BatchResults {
    /** The status filter "all", as {@link #filterNameProperty()} names it. */
    static final String ALL = "all";

    private final ObservableList<Entry> entries = FXCollections.observableArrayList();
    private final FilteredList<Entry> results = new FilteredList<>(entries, e -> true);
    private final ObjectProperty<ItemStatus> filter = new SimpleObjectProperty<>(this, "filter");
    private final StringProperty filterName = new SimpleStringProperty(this, "statusFilter", ALL);
    private final BooleanProperty liveSort = new SimpleBooleanProperty(this, "liveSort", false);
    private final Map<Long, Entry> byItem = new HashMap<>();
    /** The job whose items the rows show (null: a file's rows, not tied to any job yet). */
    private String job;
    /** Where the next read of a running job's items starts ({@link BatchService#ALL_ITEMS}: every item). */
    private volatile long cursor = BatchService.ALL_ITEMS;

    BatchResults() {
        filter.addListener((o, a, b) -> {
            filterName.set(b == null ? ALL : b.wireName());
            refilter();
        });
        filterName.addListener((o, a, b) -> filter.set(b == null || ALL.equals(b) ? null : ItemStatus.parse(b)));
    }

    /** Shows a file's rows, not yet tied to any stored item. */
    void load(BatchService.Preview p) {
        byItem.clear();
        job = null;
        entries.setAll(p.rows().stream().map(r -> new Entry(r.index(), r.line(), r.requestId(), r.valid(),
                r.reason(), r.prompt(), r.model())).toList());
    }

    /** Shows a job's items, each row tied to its item. */
    void load(String jobId, List<BatchService.ItemRow> items) {
        byItem.clear();
        job = jobId;
        int i = 0;
        List<Entry> list = new ArrayList<>();
        for (BatchService.ItemRow r : items) {
            // a not-run row's reason comes with it too: it is valid, and says why it did not run
            Entry e = new Entry(i++, r.line(), r.requestId(), r.itemStatus() != ItemStatus.INVALID, r.invalidReason(),
                    r.prompt(), r.model());
            e.update(r);
            byItem.put(r.itemId(), e);
            list.add(e);
        }
        entries.setAll(list);
    }

    long cursor() {
        return cursor;
    }

    void cursor(long next) {
        cursor = next;
    }

    /** True when every row shown is tied to a stored item of {@code jobId}. */
    boolean rowsMapped(String jobId) {
        return jobId.equals(job) && !entries.isEmpty() && entries.size() == byItem.size();
    }

    long validCount() {
        return entries.stream().filter(Entry::valid).count();
    }

    /**
     * {@code all}: the rows are every item of job {@code jobId}; otherwise some of them, changed since a read
     * before. Rows tied to another job (the one run before) are never updated by this job's items: they are
     * replaced by this job's rows.
     */
    void apply(String jobId, List<BatchService.ItemRow> rows, boolean all) {
        if (!all) {
            if (!rowsMapped(jobId)) {
                cursor = BatchService.ALL_ITEMS; // the rows are not tied to this job's items yet: read them all
                return;
            }
        } else if (!rowsMapped(jobId) || byItem.size() != rows.size()) {
            if (job == null && entries.size() == rows.size()) {
                // a file's rows, just created as this job's items: tie them, in input order
                byItem.clear();
                job = jobId;
                for (int i = 0; i < rows.size(); i++) {
                    byItem.put(rows.get(i).itemId(), entries.get(i));
                }
            } else if (!rows.isEmpty() && rows.get(0).prompt() == null) {
                cursor = BatchService.ALL_ITEMS;
                return; // an update without the prompts cannot make the rows: the next full read will
            } else {
                load(jobId, rows);
                refilter();
                return;
            }
        }
        boolean statusChanged = false;
        for (BatchService.ItemRow r : rows) {
            Entry e = byItem.get(r.itemId());
            if (e != null) {
                boolean changed = r.itemStatus() != e.itemStatusProperty().get();
                if (changed || r.attempts() != 0 && e.attemptsProperty().get() == null) {
                    e.update(r);
                    statusChanged |= changed;
                }
            }
        }
        // the rows update in place; only a status filter or a sorted table needs the list redone
        if (statusChanged && (liveSort.get() || filter.get() != null)) {
            refilter();
        }
    }

    private void refilter() {
        ItemStatus f = filter.get();
        results.setPredicate(e -> f == null || f == e.itemStatusProperty().get());
    }

    ObservableList<Entry> entries() { return entries; }
    FilteredList<Entry> results() { return results; }
    ObjectProperty<ItemStatus> filterProperty() { return filter; }
    StringProperty filterNameProperty() { return filterName; }
    BooleanProperty liveSortProperty() { return liveSort; }
}
