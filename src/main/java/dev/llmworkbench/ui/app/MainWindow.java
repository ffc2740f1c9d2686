package dev.llmworkbench.ui.app;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.ui.common.AcceleratorRegistry;
import dev.llmworkbench.ui.common.Shortcuts;
import dev.llmworkbench.ui.common.StatusBar;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.beans.InvalidationListener;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.AccessibleRole;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import javafx.util.Duration;

/**
 * The main window: a menu bar and a tool bar at the top, the notice line, the navigation sidebar on
 * the left, the view shown in the middle and the status bar at the bottom. Remembers the window's
 * bounds, the theme and the view last shown through {@link UiPreferences}. FX thread only.
 */
public final class MainWindow {
    static final String PREF_THEME = "theme";
    static final String PREF_VIEW = "view";
    static final String PREF_X = "window.x";
    static final String PREF_Y = "window.y";
    static final String PREF_WIDTH = "window.width";
    static final String PREF_HEIGHT = "window.height";
    static final String PREF_MAXIMIZED = "window.maximized";
    static final double DEFAULT_WIDTH = 1180;
    static final double DEFAULT_HEIGHT = 760;
    static final double MIN_WIDTH = 720;
    static final double MIN_HEIGHT = 480;
    static final Duration SAVE_BOUNDS_DELAY = Duration.millis(400);
    static final String STYLESHEET = "/dev/llmworkbench/ui/workbench.css";

    private final Stage stage;
    private final UiPreferences preferences;
    private final Navigation navigation;
    private final Consumer<String> userAgentStylesheetSetter;
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.LIGHT);
    private final StatusBar statusBar = new StatusBar();
    private final StringProperty noticeTitle = new SimpleStringProperty(this, "noticeTitle", "");
    private final StringProperty noticeText = new SimpleStringProperty(this, "noticeText", "");
    private final BooleanProperty noticeVisible = new SimpleBooleanProperty(this, "noticeVisible", false);
    /** The notice's button: its text, and the view it opens (empty: no button). */
    private final StringProperty noticeAction = new SimpleStringProperty(this, "noticeAction", "Set up a provider");
    private final StringProperty noticeView = new SimpleStringProperty(this, "noticeView", "Settings");
    private final ListView<String> sidebar = new ListView<>();
    private final StackPane content = new StackPane();
    private final Label viewTitle = new Label();
    private final Button themeToggle = new Button();
    private final CheckMenuItem darkThemeItem = new CheckMenuItem("Dark theme");
    private final Map<String, Map<KeyCombination, Runnable>> viewAccelerators = new HashMap<>();
    private final Map<KeyCombination, Runnable> globalAccelerators = new HashMap<>();
    private final PauseTransition saveBoundsLater = new PauseTransition(SAVE_BOUNDS_DELAY);
    private final Scene scene;

    /**
     * Builds the window's scene on {@code stage}; call {@link #show()} to open it.
     *
     * @param userAgentStylesheetSetter applies a theme, normally {@code Application::setUserAgentStylesheet}
     */
    public MainWindow(Stage stage, UiPreferences preferences, Navigation navigation,
            Consumer<String> userAgentStylesheetSetter) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.preferences = Objects.requireNonNull(preferences, "preferences");
        this.navigation = Objects.requireNonNull(navigation, "navigation");
        this.userAgentStylesheetSetter = Objects.requireNonNull(userAgentStylesheetSetter, "userAgentStylesheetSetter");

        BorderPane root = new BorderPane();
        root.getStyleClass().add("workbench");
        root.setTop(new VBox(menuBar(), toolBar(), notice()));
        root.setLeft(sidebar());
        root.setCenter(content());
        root.setBottom(statusBar);

        scene = new Scene(root, DEFAULT_WIDTH, DEFAULT_HEIGHT);
        var css = MainWindow.class.getResource(STYLESHEET);
        if (css != null) {
            scene.getStylesheets().add(css.toExternalForm());
        }
        stage.setScene(scene);
        stage.setMinWidth(MIN_WIDTH);
        stage.setMinHeight(MIN_HEIGHT);
        stage.titleProperty().bind(Bindings.createStringBinding(
                () -> navigation.getCurrent() == null ? WorkbenchApp.TITLE
                        : WorkbenchApp.TITLE + " — " + navigation.getCurrent(),
                navigation.currentProperty()));

        theme.addListener((obs, was, now) -> applyTheme(now, true));
        theme.set(Theme.fromId(preferences.get(PREF_THEME, null), Theme.LIGHT));
        applyTheme(theme.get(), false);

        navigation.currentProperty().addListener((obs, was, now) -> {
            if (now != null) {
                preferences.put(PREF_VIEW, now);
            }
        });
        // bounds are saved shortly after they stop changing (the app may be killed, not closed)
        // and at once when the window hides
        saveBoundsLater.setOnFinished(e -> {
            if (stage.isShowing()) {
                saveWindowState();
            }
        });
        InvalidationListener boundsChanged = o -> saveBoundsLater.playFromStart();
        stage.xProperty().addListener(boundsChanged);
        stage.yProperty().addListener(boundsChanged);
        stage.widthProperty().addListener(boundsChanged);
        stage.heightProperty().addListener(boundsChanged);
        stage.maximizedProperty().addListener(boundsChanged);
        stage.addEventHandler(WindowEvent.WINDOW_HIDING, e -> {
            saveBoundsLater.stop();
            saveWindowState();
        });
    }

    /** A window over {@code Application.setUserAgentStylesheet}. */
    public MainWindow(Stage stage, UiPreferences preferences, Navigation navigation) {
        this(stage, preferences, navigation, Application::setUserAgentStylesheet);
    }

    // ---------------------------------------------------------------- layout

    private MenuBar menuBar() {
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> stage.hide());
        Menu file = new Menu("_File", null, quit);

        Menu view = new Menu("_View");
        darkThemeItem.setAccelerator(Shortcuts.TOGGLE_THEME);
        darkThemeItem.setSelected(theme.get() == Theme.DARK);
        darkThemeItem.setOnAction(e -> setTheme(darkThemeItem.isSelected() ? Theme.DARK : Theme.LIGHT));
        Runnable rebuild = () -> {
            view.getItems().clear();
            int n = 1;
            for (String name : navigation.names()) {
                MenuItem item = new MenuItem(name);
                if (n <= 9) {
                    item.setAccelerator(Shortcuts.view(n));
                }
                item.setOnAction(e -> showView(name));
                view.getItems().add(item);
                n++;
            }
            view.getItems().addAll(new SeparatorMenuItem(), darkThemeItem);
        };
        rebuild.run();
        navigation.names().addListener((ListChangeListener<String>) c -> rebuild.run());

        MenuBar bar = new MenuBar(file, view);
        bar.setAccessibleText("Main menu");
        return bar;
    }

    private HBox toolBar() {
        viewTitle.getStyleClass().addAll(Styles.TITLE_4, "view-title");
        viewTitle.textProperty().bind(navigation.currentProperty());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);

        themeToggle.getStyleClass().addAll(Styles.FLAT, "theme-toggle");
        themeToggle.setFocusTraversable(true);
        themeToggle.setTooltip(new Tooltip("Switch between the light and the dark theme (Ctrl+Shift+D)"));
        themeToggle.setOnAction(e -> toggleTheme());

        HBox bar = new HBox(8, viewTitle, grow, themeToggle);
        bar.getStyleClass().add("app-toolbar");
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private HBox notice() {
        Label title = new Label();
        title.getStyleClass().addAll(Styles.TEXT_BOLD, "notice-title");
        title.textProperty().bind(noticeTitle);
        title.setMinWidth(Region.USE_PREF_SIZE);
        Label text = new Label();
        text.getStyleClass().add("notice-text");
        text.textProperty().bind(noticeText);
        text.setWrapText(true); // a narrow window shows the whole notice on two lines, not cut with "…"
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);

        Button settings = new Button();
        settings.setId("notice-action");
        settings.textProperty().bind(noticeAction);
        settings.getStyleClass().addAll(Styles.SMALL, Styles.ACCENT, "notice-action");
        settings.accessibleTextProperty().bind(noticeAction.concat(" (").concat(noticeView).concat(")"));
        settings.setMinWidth(Region.USE_PREF_SIZE);
        settings.visibleProperty().bind(Bindings.createBooleanBinding(
                () -> navigation.names().contains(noticeView.get()), navigation.names(), noticeView));
        settings.managedProperty().bind(settings.visibleProperty());
        settings.setOnAction(e -> {
            if (!"Settings".equals(noticeView.get())) {
                noticeVisible.set(false); // the view it opens says the rest
            }
            showView(noticeView.get());
        });

        Button close = new Button("×");
        close.getStyleClass().addAll(Styles.SMALL, Styles.FLAT, "notice-close");
        close.setAccessibleText("Hide this notice");
        close.setTooltip(new Tooltip("Hide this notice"));
        close.setOnAction(e -> noticeVisible.set(false));

        HBox box = new HBox(10, title, text, settings, close);
        box.getStyleClass().add("notice");
        box.setAlignment(Pos.CENTER_LEFT);
        box.setAccessibleRole(AccessibleRole.TEXT);
        box.accessibleTextProperty().bind(noticeTitle.concat(". ").concat(noticeText));
        box.visibleProperty().bind(noticeVisible);
        box.managedProperty().bind(noticeVisible);
        return box;
    }

    private VBox sidebar() {
        sidebar.setItems(navigation.names());
        sidebar.getStyleClass().addAll("sidebar-list", Styles.DENSE);
        sidebar.setAccessibleText("Views");
        sidebar.setCellFactory(list -> new NavigationCell());
        sidebar.getSelectionModel().selectedItemProperty().addListener((obs, was, now) -> {
            if (now != null && !now.equals(navigation.getCurrent())) {
                navigation.show(now);
            }
        });
        navigation.currentProperty().addListener((obs, was, now) -> {
            if (now != null && !now.equals(sidebar.getSelectionModel().getSelectedItem())) {
                sidebar.getSelectionModel().select(now);
            }
        });
        Label heading = new Label("WORKBENCH");
        heading.getStyleClass().add("sidebar-heading");
        VBox box = new VBox(heading, sidebar);
        VBox.setVgrow(sidebar, Priority.ALWAYS);
        box.getStyleClass().add("sidebar");
        return box;
    }

    private StackPane content() {
        content.getStyleClass().add("content");
        navigation.currentViewProperty().addListener((obs, was, now) -> {
            if (now == null) {
                content.getChildren().clear();
            } else {
                content.getChildren().setAll(now);
            }
        });
        return content;
    }

    private final class NavigationCell extends ListCell<String> {
        private final Label name = new Label();
        private final Label keys = new Label();
        private final HBox box;

        NavigationCell() {
            keys.getStyleClass().add("nav-shortcut");
            name.getStyleClass().add("nav-name");
            Region grow = new Region();
            HBox.setHgrow(grow, Priority.ALWAYS);
            box = new HBox(6, name, grow, keys);
            box.setAlignment(Pos.CENTER_LEFT);
            getStyleClass().add("nav-cell");
        }

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                setText(null);
                setAccessibleText(null);
                return;
            }
            int position = navigation.names().indexOf(item) + 1;
            name.setText(item);
            keys.setText(position >= 1 && position <= 9 ? "Ctrl+" + position : "");
            setText(null);
            setGraphic(box);
            setAccessibleText(item + (position <= 9 ? ", Control " + position : ""));
        }
    }

    // ---------------------------------------------------------------- theme

    private void applyTheme(Theme now, boolean remember) {
        userAgentStylesheetSetter.accept(now.userAgentStylesheet());
        darkThemeItem.setSelected(now == Theme.DARK);
        themeToggle.setText(now == Theme.DARK ? "☀  Light" : "☾  Dark");
        themeToggle.setAccessibleText(now == Theme.DARK ? "Switch to the light theme" : "Switch to the dark theme");
        scene.getRoot().pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("dark"), now == Theme.DARK);
        if (remember) {
            preferences.put(PREF_THEME, now.id());
        }
    }

    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    public Theme getTheme() {
        return theme.get();
    }

    public void setTheme(Theme value) {
        theme.set(Objects.requireNonNull(value, "theme"));
    }

    public void toggleTheme() {
        setTheme(theme.get().toggled());
    }

    // ---------------------------------------------------------------- views and keys

    /** Shows a registered view. */
    public void showView(String name) {
        navigation.show(name);
    }

    /** The registry of views (register them before {@link #show()}). */
    public Navigation navigation() {
        return navigation;
    }

    /**
     * The shortcuts of one view: what is registered here runs only while that view is shown (see
     * {@link Shortcuts#RUN}, {@link Shortcuts#STOP}, {@link Shortcuts#FOCUS_PROMPT}).
     */
    public AcceleratorRegistry acceleratorsFor(String viewName) {
        Objects.requireNonNull(viewName, "viewName");
        return (keys, action) -> {
            viewAccelerators.computeIfAbsent(viewName, v -> new HashMap<>()).put(keys, action);
            installAccelerator(keys);
        };
    }

    /** A shortcut that works whichever view is shown (a view's own shortcut wins). */
    public void registerGlobalAccelerator(KeyCombination keys, Runnable action) {
        globalAccelerators.put(keys, action);
        installAccelerator(keys);
    }

    private void installAccelerator(KeyCombination keys) {
        scene.getAccelerators().put(keys, () -> {
            Map<KeyCombination, Runnable> own = viewAccelerators.get(navigation.getCurrent());
            Runnable action = own == null ? null : own.get(keys);
            if (action == null) {
                action = globalAccelerators.get(keys);
            }
            if (action != null) {
                action.run();
            }
        });
    }

    // ---------------------------------------------------------------- status and notice

    public StatusBar statusBar() {
        return statusBar;
    }

    /** Shows or hides the notice line under the tool bar. */
    public BooleanProperty noticeVisibleProperty() {
        return noticeVisible;
    }

    /** Shows the notice line with this title and text. */
    /** Shows the notice line with a button that sets up a provider (opens Settings). */
    public void showNotice(String title, String text) {
        showNotice(title, text, "Set up a provider", "Settings");
    }

    /** Shows the notice line with a button {@code action} that opens the view {@code view}. */
    public void showNotice(String title, String text, String action, String view) {
        noticeTitle.set(title);
        noticeText.set(text);
        noticeAction.set(action);
        noticeView.set(view);
        noticeVisible.set(true);
    }

    public StringProperty noticeTitleProperty() {
        return noticeTitle;
    }

    public StringProperty noticeTextProperty() {
        return noticeText;
    }

    // ---------------------------------------------------------------- window

    public Stage stage() {
        return stage;
    }

    public Scene scene() {
        return scene;
    }

    /**
     * Restores the remembered bounds (if they still fit on a screen), opens the window, then shows the view
     * last shown (built on the FX thread's next turn, after the first frame).
     */
    public void show() {
        restoreBounds();
        String last = preferences.get(PREF_VIEW, null);
        String first = last != null && navigation.contains(last) ? last
                : navigation.names().isEmpty() ? null : navigation.names().get(0);
        // the first frame is the window's frame (sidebar, toolbar, status bar); the view, whose controls and
        // style sheets take as long again as the toolkit's start, is built right after it, unless one was
        // chosen meanwhile
        stage.show();
        sidebar.requestFocus();
        if (first != null) {
            javafx.application.Platform.runLater(() -> {
                if (navigation.getCurrent() == null) {
                    navigation.show(first);
                }
            });
        }
    }

    private void restoreBounds() {
        double width = Math.max(MIN_WIDTH, preferences.getDouble(PREF_WIDTH, DEFAULT_WIDTH));
        double height = Math.max(MIN_HEIGHT, preferences.getDouble(PREF_HEIGHT, DEFAULT_HEIGHT));
        double x = preferences.getDouble(PREF_X, Double.NaN);
        double y = preferences.getDouble(PREF_Y, Double.NaN);
        Rectangle2D visual = Screen.getPrimary().getVisualBounds();
        width = Math.min(width, Math.max(MIN_WIDTH, visual.getWidth()));
        height = Math.min(height, Math.max(MIN_HEIGHT, visual.getHeight()));
        stage.setWidth(width);
        stage.setHeight(height);
        boolean placed = !Double.isNaN(x) && !Double.isNaN(y)
                && !Screen.getScreensForRectangle(x, y, Math.min(width, 100), Math.min(height, 100)).isEmpty();
        if (placed) {
            stage.setX(x);
            stage.setY(y);
        } else {
            stage.centerOnScreen();
        }
        stage.setMaximized(Boolean.parseBoolean(preferences.get(PREF_MAXIMIZED, "false")));
    }

    /** Writes the window's bounds to the preferences (done when the window hides). */
    public void saveWindowState() {
        preferences.put(PREF_MAXIMIZED, Boolean.toString(stage.isMaximized()));
        if (!stage.isMaximized() && !stage.isIconified()) {
            putIfFinite(PREF_X, stage.getX());
            putIfFinite(PREF_Y, stage.getY());
            putIfFinite(PREF_WIDTH, stage.getWidth());
            putIfFinite(PREF_HEIGHT, stage.getHeight());
        }
    }

    private void putIfFinite(String key, double value) {
        if (Double.isFinite(value)) {
            preferences.putDouble(key, value);
        }
    }
}
