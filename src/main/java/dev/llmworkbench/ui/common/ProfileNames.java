package dev.llmworkbench.ui.common;

import dev.llmworkbench.domain.ProviderProfile;
import java.util.List;
import javafx.util.StringConverter;

/** Shows provider profiles by name in choice controls, and finds one back by its name. */
public final class ProfileNames extends StringConverter<ProviderProfile> {
    private final List<ProviderProfile> profiles;

    /** @param profiles the list the control chooses from (read when a name is typed) */
    public ProfileNames(List<ProviderProfile> profiles) {
        this.profiles = profiles;
    }

    @Override
    public String toString(ProviderProfile p) {
        return p == null ? "" : p.name();
    }

    @Override
    public ProviderProfile fromString(String s) {
        return profiles.stream().filter(p -> p.name().equals(s)).findFirst().orElse(null);
    }
}
