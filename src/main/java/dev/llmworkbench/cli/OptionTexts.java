package dev.llmworkbench.cli;

import java.util.ListResourceBundle;

/**
 * The commands' own wording of shared options ({@link JsonOption}, {@link DbOption}, {@link ProviderOptions}):
 * a command names one of these bundles in {@code @Command(resourceBundle = ...)}, keyed by the options'
 * {@code descriptionKey}. An option without a key here keeps its mixin's description.
 */
public final class OptionTexts {
    private OptionTexts() {
    }

    /** {@code chat}. */
    public static final class Chat extends ListResourceBundle {
        @Override
        protected Object[][] getContents() {
            return new Object[][] {
                {"base-url", "OpenAI-compatible base URL (e.g. http://localhost:8000/v1); default: the embedded simulator"},
                {"api-key-env", "environment variable holding the API key (default: " + ChatCommand.DEFAULT_KEY_ENV + ")"},
                {"db", "the database the chat is recorded in (default: in the user's data folder)"},
                {"json", "print one JSON object when done instead of streaming text"},
            };
        }
    }

    /** {@code bench}. */
    public static final class Bench extends ListResourceBundle {
        @Override
        protected Object[][] getContents() {
            return new Object[][] {
                {"profile", "a saved provider profile"},
                {"db", "the database the run is recorded in"},
            };
        }
    }
}
