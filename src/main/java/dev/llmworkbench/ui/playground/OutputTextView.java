package dev.llmworkbench.ui.playground;

import dev.llmworkbench.ui.common.FxExecutor;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.StackPane;
import javafx.scene.text.Text;

/**
 * A read-only, virtualized view of streamed text that stays cheap however long the text grows.
 *
 * <p>A {@code TextArea} keeps its whole text in one {@code Text} node and lays all of it out again
 * after every append: with hundreds of thousands of characters (an answer without line breaks is
 * one paragraph) each frame costs hundreds of milliseconds. Here the text is cut into blocks (at line
 * breaks, and within a long paragraph after a sentence once the block passed {@value #SOFT_BLOCK}
 * characters, at a space after {@value #HARD_BLOCK}), shown by a {@link ListView}: an append
 * touches only the last block and only the visible blocks are laid out. The blocks concatenated are
 * exactly the text ({@link #getText()}); a block's trailing line break is not drawn.
 *
 * <p>It follows the end of the text while the reader has not scrolled up. Ctrl+C copies the
 * selected blocks, the context menu copies all of it.
 */
public final class OutputTextView extends StackPane {
    /** A block longer than this ends after its next sentence. */
    static final int SOFT_BLOCK = TextBlocks.SOFT_BLOCK;
    /** A block longer than this ends at its last space (or here, when it has none). */
    static final int HARD_BLOCK = TextBlocks.HARD_BLOCK;

    private final ObservableList<String> blocks = FXCollections.observableArrayList();
    private final ListView<String> list = new ListView<>(blocks);
    /** The text and where it is cut (the list shows these blocks, or one empty block before any text). */
    private final TextBlocks cut = new TextBlocks();
    private boolean follow = true;
    private boolean scrollPending;

    public OutputTextView() {
        getStyleClass().add("output-text-view");
        list.getStyleClass().add("output-text");
        list.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        list.setFocusTraversable(true);
        list.setCellFactory(lv -> new BlockCell());
        list.addEventFilter(ScrollEvent.SCROLL, e -> FxExecutor.platform().later(this::updateFollow));
        list.addEventFilter(MouseEvent.MOUSE_RELEASED, e -> updateFollow());
        list.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (KeyCombination.keyCombination("Shortcut+C").match(e)) {
                copy(String.join("", list.getSelectionModel().getSelectedItems()));
                e.consume();
            } else if (e.getCode() == KeyCode.END) {
                follow = true;
            }
        });
        MenuItem copyAll = new MenuItem("Copy all");
        copyAll.setOnAction(e -> copy(getText()));
        MenuItem copySel = new MenuItem("Copy selection");
        copySel.setOnAction(e -> copy(String.join("", list.getSelectionModel().getSelectedItems())));
        list.setContextMenu(new ContextMenu(copySel, copyAll));
        blocks.add("");
        getChildren().add(list);
    }

    /**
     * One block as a {@link Text} node: it keeps its layout until its text or wrapping width
     * changes, so the list asking the height again and again costs nothing, unlike a label's
     * wrapped text, which is measured anew on each call.
     */
    private static final class BlockCell extends ListCell<String> {
        private final Text text = new Text();

        BlockCell() {
            getStyleClass().add("output-block");
            text.getStyleClass().add("output-block-text");
            text.setStyle("-fx-fill: -color-fg-default;");
            setPrefWidth(0);
            setText(null);
            setGraphic(text);
        }

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            text.setText(empty || item == null ? "" : item.endsWith("\n") ? item.substring(0, item.length() - 1) : item);
        }

        @Override
        protected double computePrefHeight(double width) {
            double w = (width > 0 ? width : getWidth()) - snappedLeftInset() - snappedRightInset();
            if (w > 0) {
                text.setWrappingWidth(w);
            }
            return snapSizeY(text.getLayoutBounds().getHeight()) + snappedTopInset() + snappedBottomInset();
        }

        @Override
        protected void layoutChildren() {
            double w = getWidth() - snappedLeftInset() - snappedRightInset();
            if (w > 0) {
                text.setWrappingWidth(w);
            }
            super.layoutChildren();
        }
    }

    /** Appends text (FX thread). */
    public void appendText(String s) {
        if (s == null || s.isEmpty()) {
            return;
        }
        int first = cut.append(s);
        // only the open block and the ones after it change: the list is told of those alone
        int keep = Math.min(first, blocks.size());
        if (keep < blocks.size()) {
            blocks.remove(keep, blocks.size());
        }
        for (int i = keep; i < cut.size(); i++) {
            blocks.add(cut.block(i));
        }
        if (follow) {
            scrollToEnd();
        }
    }

    private void scrollToEnd() {
        if (scrollPending) {
            return;
        }
        scrollPending = true;
        // after this pulse's layout has measured the new blocks
        FxExecutor.platform().later(() -> {
            scrollPending = false;
            VirtualFlow<?> flow = flow();
            if (flow != null) {
                flow.setPosition(1.0);
            } else {
                list.scrollTo(blocks.size() - 1);
            }
        });
    }

    private void updateFollow() {
        VirtualFlow<?> flow = flow();
        follow = flow == null || flow.getPosition() >= 0.999 || blocks.size() <= 1;
    }

    private VirtualFlow<?> flow() {
        return list.lookup(".virtual-flow") instanceof VirtualFlow<?> f ? f : null;
    }

    /** Removes all text (FX thread) and follows the end again. */
    public void clear() {
        cut.clear();
        blocks.setAll("");
        follow = true;
    }

    /** The whole text, exactly as appended. */
    public String getText() {
        return cut.text();
    }

    /** The number of characters shown. */
    public int getLength() {
        return cut.length();
    }

    /** How many blocks the text is shown in (tests). */
    int blockCount() {
        return blocks.size();
    }

    /** The blocks (tests): concatenated they are the text. */
    List<String> blocks() {
        return List.copyOf(blocks);
    }

    /** The list that shows the blocks (for accessible text and prompts). */
    public ListView<String> listView() {
        return list;
    }

    private static void copy(String s) {
        ClipboardContent c = new ClipboardContent();
        c.putString(s);
        Clipboard.getSystemClipboard().setContent(c);
    }
}
