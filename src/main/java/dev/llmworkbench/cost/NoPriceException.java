package dev.llmworkbench.cost;

/** Thrown where a figure is needed but the catalogue has no price for the model (at that provider). */
public final class NoPriceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String model;

    public NoPriceException(String provider, String model) {
        super("no price for " + model + (provider == null ? "" : " at " + provider));
        this.model = model;
    }

    public String model() {
        return model;
    }
}
