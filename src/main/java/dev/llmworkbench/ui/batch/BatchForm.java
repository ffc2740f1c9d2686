package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.ui.common.NumberFields;
import java.math.BigDecimal;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The run's settings as the panel's form holds them (text fields as typed), and the settings they make. */
final class BatchForm {
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObservableList<String> profiles = FXCollections.observableArrayList();
    private final StringProperty model = new SimpleStringProperty(this, "model", BatchSettings.DEFAULT_MODEL);
    private final StringProperty profile = new SimpleStringProperty(this, "profile");
    private final BooleanProperty route = new SimpleBooleanProperty(this, "route", false);
    private final StringProperty concurrency = new SimpleStringProperty(this, "concurrency", "4");
    private final ObjectProperty<Priority> priority = new SimpleObjectProperty<>(this, "priority", Priority.BATCH);
    private final StringProperty rpm = new SimpleStringProperty(this, "rpm", "");
    private final StringProperty tpm = new SimpleStringProperty(this, "tpm", "");
    private final StringProperty budget = new SimpleStringProperty(this, "budget", "");
    private final StringProperty maxTokens = new SimpleStringProperty(this, "maxTokens", "256");

    BatchForm(List<String> models, List<String> profiles) {
        this.models.setAll(models);
        this.profiles.setAll(profiles);
        if (!models.isEmpty() && !models.contains(model.get())) {
            model.set(models.get(0));
        }
    }

    /** The settings from the form. @throws IllegalArgumentException when a field is wrong */
    BatchSettings settings() {
        Integer r = NumberFields.integer(rpm.get(), "rpm");
        Long t = NumberFields.whole(tpm.get(), "tpm");
        BigDecimal b = NumberFields.amount(budget.get(), "budget");
        Integer c = NumberFields.integer(concurrency.get(), "concurrency");
        return new BatchSettings(route.get() ? null : model.get(), route.get(),
                NumberFields.integer(maxTokens.get(), "max tokens"), c == null ? 4 : c, r, t, b, priority.get(), null,
                null, profile.get(), null);
    }

    ObservableList<String> models() { return models; }
    ObservableList<String> profiles() { return profiles; }
    StringProperty modelProperty() { return model; }
    StringProperty profileProperty() { return profile; }
    BooleanProperty routeProperty() { return route; }
    StringProperty concurrencyProperty() { return concurrency; }
    ObjectProperty<Priority> priorityProperty() { return priority; }
    StringProperty rpmProperty() { return rpm; }
    StringProperty tpmProperty() { return tpm; }
    StringProperty budgetProperty() { return budget; }
    StringProperty maxTokensProperty() { return maxTokens; }
}
