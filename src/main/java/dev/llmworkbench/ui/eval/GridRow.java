package dev.llmworkbench.ui.eval;

import dev.llmworkbench.service.eval.EvalGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/** A row of the grid: its test case and one live cell per column (updated in place as answers arrive). FX thread. */
public final class GridRow {
    private final EvalGrid.Row row;
    private final List<ObjectProperty<EvalGrid.Cell>> cells = new ArrayList<>();

    GridRow(EvalGrid.Row row, int columns) {
        this.row = row;
        for (int c = 0; c < columns; c++) {
            cells.add(new SimpleObjectProperty<>(this, "cell" + c));
        }
    }

    /** The row's index in the grid (0-based). */
    public int row() {
        return row.row();
    }

    public String description() {
        return row.description();
    }

    public Map<String, String> vars() {
        return row.vars();
    }

    /** The cell of column {@code col}. */
    public ObjectProperty<EvalGrid.Cell> cell(int col) {
        return cells.get(col);
    }

    List<ObjectProperty<EvalGrid.Cell>> cells() {
        return cells;
    }
}
