import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/**
 * The baseline of installers/linux/first-window.sh: the smallest JavaFX window, titled as the app's is, run by
 * a copy of the installed app's launcher and runtime with this class as its main class (not shipped). The main
 * class is not the Application itself, as in the app (the Java launcher refuses a classpath Application).
 */
public final class MinimalWindow {
    private MinimalWindow() {
    }

    /** The window. */
    public static final class Window extends Application {
        @Override
        public void start(Stage stage) {
            stage.setTitle("LLM Workbench");
            stage.setScene(new Scene(new StackPane(new Label("minimal window")), 1024, 700));
            stage.show();
        }
    }

    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }
}
