package dev.llmworkbench.cli;

import dev.llmworkbench.domain.Currency;
import picocli.CommandLine.Option;

/** {@code --currency USD|CNY}: the currency of the text output (converted by {@link Converters.CurrencyConverter}). */
public final class CurrencyOption {
    @Option(names = "--currency", paramLabel = "USD|CNY", defaultValue = "USD",
            description = "currency of the text output (default: ${DEFAULT-VALUE})")
    Currency currency;

    /** The currency asked for (USD by default). */
    Currency currency() {
        return currency;
    }
}
