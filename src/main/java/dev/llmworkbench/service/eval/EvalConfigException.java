package dev.llmworkbench.service.eval;

/**
 * An evaluation configuration that cannot be run: a file that is missing or not YAML, no prompt, provider or test
 * left, an unknown provider id. Its message is one line for a person, naming the file and what is wrong.
 */
public class EvalConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvalConfigException(String message) {
        super(message);
    }

    public EvalConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
