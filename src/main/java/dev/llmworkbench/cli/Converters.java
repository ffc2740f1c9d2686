package dev.llmworkbench.cli;

import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import java.math.BigDecimal;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The converters of the values several commands take ({@link Currency}, {@link Priority}, decimal amounts),
 * registered once on the whole command tree by {@link #register}, and the base-URL check of
 * {@link ProviderOptions}. A refused value is said in one plain line naming the option
 * ({@code --currency: unknown currency 'EUR' (expected USD or CNY)}), exit 2.
 */
final class Converters {
    private Converters() {
    }

    /** A value a converter refuses; {@link #message} puts the option's name in front of it. */
    static final class Refused extends TypeConversionException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(UsageException.oneLine(message));
        }
    }

    /** {@code USD} or {@code CNY}, any case ({@link Currency#parse}). */
    static final class CurrencyConverter implements ITypeConverter<Currency> {
        @Override
        public Currency convert(String value) {
            try {
                return Currency.parse(value);
            } catch (IllegalArgumentException e) {
                throw new Refused(e.getMessage());
            }
        }
    }

    /** {@code critical}, {@code normal}, {@code batch} or {@code filler}, any case ({@link Priority#parse}). */
    static final class PriorityConverter implements ITypeConverter<Priority> {
        @Override
        public Priority convert(String value) {
            try {
                return Priority.parse(value);
            } catch (IllegalArgumentException e) {
                throw new Refused(e.getMessage());
            }
        }
    }

    /** A decimal amount (surrounding white space ignored): {@code '--budget-usd: 'abc' is not a number'}. */
    static final class DecimalConverter implements ITypeConverter<BigDecimal> {
        @Override
        public BigDecimal convert(String value) {
            try {
                return new BigDecimal(value.trim());
            } catch (NumberFormatException e) {
                throw new Refused("'" + value + "' is not a number");
            }
        }
    }

    /** A dialect's wire name, any case ({@link Dialect#parse}). */
    static final class DialectConverter implements ITypeConverter<Dialect> {
        @Override
        public Dialect convert(String value) {
            try {
                return Dialect.parse(value);
            } catch (IllegalArgumentException e) {
                throw new Refused(e.getMessage());
            }
        }
    }

    /** An OpenAI-compatible base URL, checked by {@link ProviderProfile#baseUrlProblem}; kept as given. */
    static final class BaseUrlConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String problem = ProviderProfile.baseUrlProblem(value);
            if (problem != null) {
                throw new Refused(problem);
            }
            return value;
        }
    }

    /** Registers the shared converters on {@code cl} and every subcommand it has. */
    static CommandLine register(CommandLine cl) {
        cl.registerConverter(Currency.class, new CurrencyConverter());
        cl.registerConverter(Priority.class, new PriorityConverter());
        cl.registerConverter(BigDecimal.class, new DecimalConverter());
        return cl;
    }

    /**
     * The one line that says what is wrong with the command line: a refused value as {@code OPTION: reason},
     * anything else as picocli says it (without its {@code Error: } prefix).
     */
    static String message(ParameterException ex) {
        if (ex.getCause() instanceof Refused refused) {
            String name = ex.getArgSpec() instanceof OptionSpec o ? o.longestName()
                    : ex.getArgSpec() != null ? ex.getArgSpec().paramLabel() : null;
            return name == null ? refused.getMessage() : name + ": " + refused.getMessage();
        }
        String m = String.valueOf(ex.getMessage());
        return m.startsWith("Error: ") ? m.substring(7) : m;
    }
}
