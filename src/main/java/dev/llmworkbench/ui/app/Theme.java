package dev.llmworkbench.ui.app;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import java.util.Locale;

/** The app's two looks, both AtlantaFX Primer themes applied as the user-agent stylesheet. */
public enum Theme {
    LIGHT(new PrimerLight().getUserAgentStylesheet()),
    DARK(new PrimerDark().getUserAgentStylesheet());

    private final String userAgentStylesheet;

    Theme(String userAgentStylesheet) {
        this.userAgentStylesheet = userAgentStylesheet;
    }

    /** The stylesheet to pass to {@code Application.setUserAgentStylesheet}. */
    public String userAgentStylesheet() {
        return userAgentStylesheet;
    }

    /** The other theme. */
    public Theme toggled() {
        return this == LIGHT ? DARK : LIGHT;
    }

    /** "light" or "dark", as stored in the preferences. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The theme with this id ("light", "dark"), or {@code fallback} when unknown. */
    public static Theme fromId(String id, Theme fallback) {
        if (id != null) {
            for (Theme theme : values()) {
                if (theme.id().equalsIgnoreCase(id.trim())) {
                    return theme;
                }
            }
        }
        return fallback;
    }
}
