package dev.llmworkbench.ui.playground;

import static dev.llmworkbench.ui.playground.ViewParts.caption;
import static dev.llmworkbench.ui.playground.ViewParts.output;
import static dev.llmworkbench.ui.playground.ViewParts.readOnly;

import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The Inspector tab: the request sent (key never included), the response headers and the raw stream events. */
final class InspectorPane extends VBox {
    InspectorPane(PlaygroundViewModel vm) {
        super(6);
        TextArea request = readOnly("inspector-request");
        request.textProperty().bind(vm.requestJsonProperty());
        TextArea headers = readOnly("inspector-headers");
        headers.textProperty().bind(vm.responseHeadersProperty());
        // up to ~1,200 lines: a text area would lay all of them out again in the pulse that sets them
        OutputTextView events = output("inspector-events", "Raw stream events with their arrival times");
        events.appendText(vm.rawEventsProperty().get());
        vm.rawEventsProperty().addListener((o, a, b) -> {
            events.clear();
            events.appendText(b);
        });
        getChildren().addAll(caption("Request (key never included)"), request, caption("Response headers"), headers,
                caption("Stream events (arrival time)"), events);
        setPadding(new Insets(8));
        for (Region a : List.<Region>of(request, headers, events)) {
            VBox.setVgrow(a, javafx.scene.layout.Priority.ALWAYS);
        }
    }
}
