package dev.llmworkbench.service.providers;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimate;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.store.SettingsStore;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Prices for the desktop: the bundled catalogue with the user's overrides (kept in their own file in
 * the data folder, so a newer bundled catalogue never loses them), the exchange rate and the display
 * currency (kept in the settings store), and estimates of a request's input tokens and cost.
 * Thread-safe; listeners are told after every change, on the caller's thread.
 */
public final class PriceService {
    static final String CURRENCY_KEY = "prices.currency";
    static final String RATE_KEY = "prices.cnyPerUsd";

    /**
     * An estimate of a request before it is sent (all figures are estimates, shown with ≈).
     *
     * @param inputTokens estimated input tokens
     * @param inputUsd    estimated cost of the input, null when the model has no price
     * @param inputCny    the same in CNY
     * @param priceNote   which price entry applies, or why none
     * @param tokenizer   the name of the tokenizer that counted the input ({@code qwen3}, {@code o200k}, …)
     */
    public record Estimate(int inputTokens, Money inputUsd, Money inputCny, String priceNote, String tokenizer) {
        /** Without saying which tokenizer counted. */
        public Estimate(int inputTokens, Money inputUsd, Money inputCny, String priceNote) {
            this(inputTokens, inputUsd, inputCny, priceNote, null);
        }

        public boolean priced() {
            return inputUsd != null;
        }

        /** "≈ 123 tokens (qwen3)": the input estimate and the tokenizer that counted it. */
        public String describeTokens() {
            return "≈ " + inputTokens + " tokens" + (tokenizer == null ? "" : " (" + tokenizer + ")");
        }
    }

    private final Path overridesFile;
    private final SettingsStore settings;
    private final TokenEstimator estimator;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile PriceCatalogue catalogue;
    private volatile ExchangeRate rate;
    private volatile Currency currency;

    /**
     * @param overridesFile the user's overrides (read now if it exists, written on every change)
     * @param settings      where the currency and exchange rate are kept (null: not kept)
     */
    public PriceService(Path overridesFile, SettingsStore settings, TokenEstimator estimator) {
        this.overridesFile = Objects.requireNonNull(overridesFile, "overridesFile");
        this.settings = settings;
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.catalogue = PriceCatalogue.loadBundled(Files.exists(overridesFile) ? overridesFile : null);
        estimator.useCatalogue(catalogue); // each model's tokenizer as the catalogue names it
        String storedRate = settings == null ? null : settings.getString(RATE_KEY, null);
        this.rate = storedRate == null ? ExchangeRate.MARKET_DEFAULT : ExchangeRate.of(storedRate);
        String storedCurrency = settings == null ? null : settings.getString(CURRENCY_KEY, null);
        this.currency = storedCurrency == null ? Currency.USD : Currency.parse(storedCurrency);
    }

    /** Called after every change of prices, rate or currency. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        for (Runnable l : listeners) {
            l.run();
        }
    }

    /** The catalogue with the overrides in force (for the composition root's cost calculator). */
    public PriceCatalogue catalogue() {
        return catalogue;
    }

    /** A cost calculator over the current catalogue and rate. */
    public CostCalculator calculator() {
        return new CostCalculator(catalogue, rate);
    }

    /** Every price entry, overrides applied and marked ({@link ModelPrice#userOverride()}). */
    public List<ModelPrice> prices() {
        return catalogue.all();
    }

    /** The canonical model names of the catalogue, in order. */
    public List<String> models() {
        return catalogue.models();
    }

    public Optional<ModelPrice> find(String provider, String model) {
        return catalogue.find(provider, model); // null provider: the model's first entry
    }

    /**
     * Whether a model thinks as the catalogue knows it (at this provider when it has a price there, else at the
     * model's first entry): {@code never} and {@code always} take no switch; null when the catalogue does not say.
     */
    public dev.llmworkbench.domain.ThinkingMode thinkingMode(String provider, String model) {
        if (model == null || model.isBlank()) {
            return null;
        }
        return find(provider, model).or(() -> find(null, model)).map(ModelPrice::thinking).orElse(null);
    }

    /** Saves {@code price} as the user's own price of its provider and model. */
    public synchronized void setOverride(ModelPrice price) {
        PriceCatalogue next = catalogue.withOverride(price);
        writeOverrides(next);
        catalogue = next;
        estimator.useCatalogue(next);
        changed();
    }

    /** Sets a new input and output price (per million tokens, in the entry's currency) as an override. */
    public void setPrice(String provider, String model, BigDecimal inputPerM, BigDecimal outputPerM) {
        ModelPrice p = catalogue.find(provider, model)
                .orElseThrow(() -> new IllegalArgumentException("no price entry for " + provider + " " + model));
        BigDecimal thinking = p.thinkingOutputPerM() == null ? null
                : p.outputPerM().signum() == 0 ? outputPerM
                : p.thinkingOutputPerM().multiply(outputPerM).divide(p.outputPerM(), java.math.MathContext.DECIMAL64);
        setOverride(new ModelPrice(p.provider(), p.model(), p.aliases(), p.currency(), inputPerM, outputPerM,
                thinking, p.cachedInputPerM(), p.batchDiscount(), List.of(), p.contextWindow(),
                p.maxContextWindow(), java.time.LocalDate.now(), "user override", true, true, p.thinking(),
                p.maxThinkingTokens(), p.tokenizer()));
    }

    /** Removes the user's override of this provider and model (the bundled price applies again). */
    public synchronized boolean removeOverride(String provider, String model) {
        boolean had = catalogue.overrides().stream()
                .anyMatch(o -> o.provider().equalsIgnoreCase(provider) && o.model().equalsIgnoreCase(model));
        if (had) {
            PriceCatalogue next = catalogue.withoutOverride(provider, model);
            writeOverrides(next);
            catalogue = next;
            estimator.useCatalogue(next);
            changed();
        }
        return had;
    }

    private void writeOverrides(PriceCatalogue c) {
        c.saveOverrides(overridesFile);
    }

    public BigDecimal cnyPerUsd() {
        return rate.cnyPerUsd();
    }

    public void setCnyPerUsd(BigDecimal cnyPerUsd) {
        ExchangeRate r = new ExchangeRate(cnyPerUsd);
        rate = r;
        if (settings != null) {
            settings.put(RATE_KEY, r.cnyPerUsd().toPlainString());
        }
        changed();
    }

    /** The currency costs are shown in first. */
    public Currency currency() {
        return currency;
    }

    public void setCurrency(Currency c) {
        currency = Objects.requireNonNull(c, "currency");
        if (settings != null) {
            settings.put(CURRENCY_KEY, c.name());
        }
        changed();
    }

    /** Converts between USD and CNY at the current rate. */
    public Money convert(Money m, Currency target) {
        return rate.convert(m, target);
    }

    /**
     * The estimated input tokens and input cost of a request for a provider (its catalogue entry, else
     * the model's first entry).
     */
    public Estimate estimate(String providerName, ChatRequest request) {
        TokenEstimate t = estimator.estimate(request);
        String provider = providerName != null && catalogue.find(providerName, request.model()).isPresent()
                ? providerName : null;
        CostCalculator calc = calculator();
        CostResult c = calc.cost(provider, request.model(), new Usage(t.tokens(), 0, t.tokens(), 0, 0, true), false);
        if (!c.hasPrice()) {
            return new Estimate(t.tokens(), null, null, "no price for " + request.model(), t.tokenizer());
        }
        return new Estimate(t.tokens(), c.totalUsd(), c.totalCny(), c.provider() + " " + c.model() + ", prices of "
                + c.priceDate(), t.tokenizer());
    }
}
