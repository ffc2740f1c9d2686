package dev.llmworkbench.ui.settings;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.providers.LimitsService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.service.providers.ProviderPreset;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.Tasks;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** Provider profiles (presets, key, headers, body, proxy, CA), limits and budgets, prices and currency. UI thread. */
public final class SettingsViewModel {
    private static final Gson GSON = new Gson();

    private final ProviderService providers;
    private final PriceService prices;
    private final LimitsService limits;
    private final Tasks tasks;
    private final Executor ui;
    private final CompletableFuture<Void> loaded;
    private Runnable onProfilesChanged = () -> { };

    private final ObservableList<ProviderProfile> profiles = FXCollections.observableArrayList();
    private final ObjectProperty<ProviderPreset> preset = new SimpleObjectProperty<>();
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty baseUrl = new SimpleStringProperty("");
    private final StringProperty defaultModel = new SimpleStringProperty("");
    private final StringProperty key = new SimpleStringProperty("");
    private final StringProperty extraHeaders = new SimpleStringProperty("");
    private final StringProperty extraBody = new SimpleStringProperty("");
    private final StringProperty proxy = new SimpleStringProperty("");
    private final StringProperty caCert = new SimpleStringProperty("");
    private final ObjectProperty<Dialect> dialect = new SimpleObjectProperty<>(Dialect.GENERIC);
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty keyStatus = new SimpleStringProperty("");

    private final StringProperty tierName = new SimpleStringProperty("");
    private final StringProperty rpm = new SimpleStringProperty("");
    private final StringProperty tpm = new SimpleStringProperty("");
    private final StringProperty dailyBudget = new SimpleStringProperty("");
    private final StringProperty hourlyTokens = new SimpleStringProperty("");
    private final StringProperty limitsMessage = new SimpleStringProperty("");

    private final ObservableList<ModelPrice> priceRows = FXCollections.observableArrayList();
    private final ObjectProperty<Currency> currency = new SimpleObjectProperty<>();
    private final StringProperty rate = new SimpleStringProperty("");
    private final StringProperty pricesMessage = new SimpleStringProperty("");

    public SettingsViewModel(ProviderService providers, PriceService prices, LimitsService limits,
                             Executor background, Executor ui) {
        this.providers = Objects.requireNonNull(providers);
        this.prices = Objects.requireNonNull(prices);
        this.limits = Objects.requireNonNull(limits);
        this.ui = Objects.requireNonNull(ui);
        this.tasks = new Tasks(background, ui);
        this.loaded = reload();
        preset.addListener((o, a, p) -> {
            if (p != null && !ProviderPreset.SIMULATOR.equals(p.name())) {
                name.set(p.name());
                baseUrl.set(p.baseUrl());
                defaultModel.set(p.defaultModel());
                dialect.set(p.dialect());
            }
        });
        prices.addListener(() -> ui.execute(this::reloadPrices));
    }

    public void setOnProfilesChanged(Runnable r) {
        onProfilesChanged = r == null ? () -> { } : r;
    }

    /** Reads the saved profiles and limits off the UI thread (the store), then fills the form with them. */
    private CompletableFuture<Void> reload() {
        record Stored(List<ProviderProfile> profiles, LimitsService.Tier tier, BigDecimal dailyUsd, Long hourlyTokens,
                      String keyStorage) { }
        reloadPrices();
        return tasks.run("reading the settings", () -> new Stored(providers.savedProfiles(), limits.tier(),
                limits.dailyBudgetUsd(), limits.hourlyTokenBudget(), providers.keyStorage()), st -> {
                    profiles.setAll(st.profiles());
                    tierName.set(st.tier().name());
                    rpm.set(Integer.toString(st.tier().requestsPerMinute()));
                    tpm.set(Long.toString(st.tier().tokensPerMinute()));
                    dailyBudget.set(st.dailyUsd() == null ? "" : st.dailyUsd().toPlainString());
                    hourlyTokens.set(st.hourlyTokens() == null ? "" : st.hourlyTokens().toString());
                    keyStatus.set(st.keyStorage());
                    return null;
                }, error -> {
                    message.set("Cannot read the settings: " + error);
                    return null;
                });
    }

    /** Completes when the settings read at the start are in the form (tests). */
    public CompletableFuture<Void> loaded() {
        return loaded;
    }

    private void reloadPrices() {
        priceRows.setAll(prices.prices());
        currency.set(prices.currency());
        rate.set(prices.cnyPerUsd().toPlainString());
    }

    /** Fills the form from a saved profile (the key stays hidden: blank keeps it). */
    public void edit(ProviderProfile p) {
        if (p == null) {
            return;
        }
        name.set(p.name());
        baseUrl.set(p.baseUrl());
        defaultModel.set(p.defaultModel() == null ? "" : p.defaultModel());
        key.set("");
        StringBuilder h = new StringBuilder();
        p.extraHeaders().forEach((k, v) -> h.append(k).append(": ").append(v).append('\n'));
        extraHeaders.set(h.toString().strip());
        extraBody.set(p.extraBody().isEmpty() ? "" : GSON.toJson(p.extraBody()));
        proxy.set(p.proxy() == null ? "" : p.proxy());
        caCert.set(p.caCertPath() == null ? "" : p.caCertPath());
        dialect.set(p.dialect());
        message.set("");
        // whether a key is stored is the secret store's answer (the OS keyring): asked off the UI thread
        tasks.run("looking up the key of " + p.name(), () -> providers.hasKey(p), has -> {
            if (p.name().equals(name.get())) {
                message.set(has ? "A key is stored; leave the key field empty to keep it." : "No key stored.");
            }
            return null;
        }, error -> {
            message.set("Cannot tell whether a key is stored: " + error);
            return null;
        });
    }

    /** The profile the form describes. */
    ProviderProfile formProfile() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : extraHeaders.get().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int c = line.indexOf(':');
            if (c < 1) {
                throw new IllegalArgumentException("extra headers are \"Name: value\", one per line");
            }
            headers.put(line.substring(0, c).trim(), line.substring(c + 1).trim());
        }
        Map<String, Object> body = extraBody.get().isBlank() ? Map.of()
                : GSON.fromJson(extraBody.get(), new TypeToken<LinkedHashMap<String, Object>>() { }.getType());
        return new ProviderProfile(name.get().trim(), baseUrl.get().trim(),
                defaultModel.get().isBlank() ? null : defaultModel.get().trim(), null, headers, body,
                proxy.get().isBlank() ? null : proxy.get().trim(), caCert.get().isBlank() ? null : caCert.get().trim(),
                dialect.get());
    }

    /** Saves the form (the key only when typed), off the UI thread (the store, the keyring); true when saved. */
    public CompletableFuture<Boolean> save() {
        ProviderProfile form;
        try {
            form = formProfile();
        } catch (RuntimeException e) {
            message.set("Not saved: " + e.getMessage());
            return CompletableFuture.completedFuture(false);
        }
        String typed = key.get();
        return tasks.run("saving profile " + form.name(), () -> {
            ProviderProfile existing = providers.find(form.name()).orElse(null);
            ProviderProfile p = existing != null && existing.keyRef() != null ? form.withKeyRef(existing.keyRef()) : form;
            return providers.save(p, typed.isEmpty() ? null : typed);
        }, p -> {
            key.set("");
            message.set("Saved " + p.name() + ".");
            profiles.setAll(providers.savedProfiles());
            onProfilesChanged.run();
            return true;
        }, error -> {
            message.set("Not saved: " + error);
            return false;
        });
    }

    /** Deletes a saved profile and its key, off the UI thread. */
    public CompletableFuture<Boolean> delete(ProviderProfile p) {
        if (p == null) {
            return CompletableFuture.completedFuture(false);
        }
        return tasks.run("deleting profile " + p.name(), () -> providers.delete(p.name()), ok -> {
            if (ok) {
                message.set("Deleted " + p.name() + ".");
                profiles.setAll(providers.savedProfiles());
                onProfilesChanged.run();
            }
            return ok;
        }, error -> {
            message.set("Not deleted: " + error);
            return false;
        });
    }

    /** Lists the models of the form's provider, off the UI thread. */
    public void testConnection() {
        ProviderProfile p;
        try {
            p = formProfile();
        } catch (RuntimeException e) {
            message.set(e.getMessage());
            return;
        }
        ApiKey typed = ApiKey.ofNullable(key.get());
        message.set("Testing " + p.baseUrl() + " …");
        tasks.run("testing " + p.baseUrl(), () -> {
            ProviderProfile saved = providers.find(p.name()).orElse(null);
            return providers.testConnection(saved != null ? p.withKeyRef(saved.keyRef()) : p, typed);
        }, r -> {
            message.set(r.ok() ? "Connected: " + r.models().size() + " models: "
                    + String.join(", ", r.models().subList(0, Math.min(12, r.models().size())))
                    + (r.models().size() > 12 ? ", …" : "") : "Failed: " + r.error());
            return r.ok();
        }, error -> {
            message.set("Failed: " + error);
            return false;
        });
    }

    /** Applies and stores the limits of the form (stored off the UI thread). */
    public CompletableFuture<Void> applyLimits() {
        LimitsService.Tier tier;
        BigDecimal daily;
        Long hourly;
        try {
            tier = new LimitsService.Tier(tierName.get().trim(),
                    NumberFields.required(NumberFields.integer(rpm.get(), "requests per minute"), "requests per minute"),
                    NumberFields.required(NumberFields.whole(tpm.get(), "tokens per minute"), "tokens per minute"));
            daily = NumberFields.amount(dailyBudget.get(), "the daily budget");
            hourly = NumberFields.whole(hourlyTokens.get(), "tokens per hour");
        } catch (RuntimeException e) {
            limitsMessage.set("Not applied: " + e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        return tasks.run("applying the limits", () -> {
            limits.setTier(tier);
            limits.setDailyBudgetUsd(daily);
            limits.setHourlyTokenBudget(hourly);
            return null;
        }, v -> {
            limitsMessage.set("Applied.");
            return null;
        }, error -> {
            limitsMessage.set("Not applied: " + error);
            return null;
        });
    }

    public void useTier(LimitsService.Tier t) {
        tierName.set(t.name());
        rpm.set(Integer.toString(t.requestsPerMinute()));
        tpm.set(Long.toString(t.tokensPerMinute()));
    }

    /** Sets a price (per million tokens, in the entry's currency) as the user's override. */
    /** Stores the price as an override (off the UI thread: the overrides file, the store); true when saved. */
    public CompletableFuture<Boolean> setPrice(ModelPrice row, String inputPerM, String outputPerM) {
        BigDecimal in;
        BigDecimal out;
        try {
            in = NumberFields.required(NumberFields.amount(inputPerM, "the input price"), "the input price");
            out = NumberFields.required(NumberFields.amount(outputPerM, "the output price"), "the output price");
        } catch (RuntimeException e) {
            pricesMessage.set("Not saved: " + e.getMessage());
            reloadPrices();
            return CompletableFuture.completedFuture(false);
        }
        return tasks.run("saving the price of " + row.model(), () -> {
            prices.setPrice(row.provider(), row.model(), in, out);
            return true;
        }, ok -> {
            pricesMessage.set("Override saved for " + row.provider() + " " + row.model() + ".");
            return true;
        }, error -> {
            pricesMessage.set("Not saved: " + error);
            reloadPrices();
            return false;
        });
    }

    /** Removes the user's override of a price (off the UI thread). */
    public CompletableFuture<Void> removeOverride(ModelPrice row) {
        if (row == null) {
            return CompletableFuture.completedFuture(null);
        }
        return tasks.run("restoring the price of " + row.model(), () -> prices.removeOverride(row.provider(),
                row.model()), removed -> {
                    if (removed) {
                        pricesMessage.set("Bundled price restored for " + row.provider() + " " + row.model() + ".");
                    }
                    return null;
                }, error -> {
                    pricesMessage.set("Not restored: " + error);
                    return null;
                });
    }

    /** Stores the exchange rate and the currency shown (off the UI thread). */
    public CompletableFuture<Void> applyCurrency() {
        BigDecimal r;
        try {
            r = NumberFields.required(NumberFields.amount(rate.get(), "CNY per USD"), "CNY per USD");
        } catch (RuntimeException e) {
            pricesMessage.set("Not saved: " + e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        Currency c = currency.get();
        return tasks.run("saving the currency", () -> {
            prices.setCnyPerUsd(r);
            if (c != null) {
                prices.setCurrency(c);
            }
            return null;
        }, v -> {
            pricesMessage.set("Currency and exchange rate saved.");
            return null;
        }, error -> {
            pricesMessage.set("Not saved: " + error);
            return null;
        });
    }

    public ObservableList<ProviderProfile> profiles() { return profiles; }
    public ObjectProperty<ProviderPreset> presetProperty() { return preset; }
    public StringProperty nameProperty() { return name; }
    public StringProperty baseUrlProperty() { return baseUrl; }
    public StringProperty defaultModelProperty() { return defaultModel; }
    public StringProperty keyProperty() { return key; }
    public StringProperty extraHeadersProperty() { return extraHeaders; }
    public StringProperty extraBodyProperty() { return extraBody; }
    public StringProperty proxyProperty() { return proxy; }
    public StringProperty caCertProperty() { return caCert; }
    /** How the provider spells the thinking switch (set by the preset, editable). */
    public ObjectProperty<Dialect> dialectProperty() { return dialect; }
    public StringProperty messageProperty() { return message; }
    public StringProperty keyStatusProperty() { return keyStatus; }
    public StringProperty tierNameProperty() { return tierName; }
    public StringProperty rpmProperty() { return rpm; }
    public StringProperty tpmProperty() { return tpm; }
    public StringProperty dailyBudgetProperty() { return dailyBudget; }
    public StringProperty hourlyTokensProperty() { return hourlyTokens; }
    public StringProperty limitsMessageProperty() { return limitsMessage; }
    public ObservableList<ModelPrice> priceRows() { return priceRows; }
    public ObjectProperty<Currency> currencyProperty() { return currency; }
    public StringProperty rateProperty() { return rate; }
    public StringProperty pricesMessageProperty() { return pricesMessage; }
}
