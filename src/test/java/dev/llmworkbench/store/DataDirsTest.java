package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataDirsTest {
    private static final Path HOME = Path.of("/home/ann");

    @Test
    void linuxUsesXdgDataHomeWhenSet() {
        DataDirs d = DataDirs.of("Linux", Map.of("XDG_DATA_HOME", "/data/xdg"), HOME, null);
        assertThat(d.root()).isEqualTo(Path.of("/data/xdg/llm-workbench"));
        assertThat(d.defaultDatabase()).isEqualTo(Path.of("/data/xdg/llm-workbench/workbench.db"));
        assertThat(d.settingsDir()).isEqualTo(Path.of("/data/xdg/llm-workbench/settings"));
    }

    @Test
    void linuxFallsBackToLocalShareWithoutXdgOrWithARelativeOne() {
        assertThat(DataDirs.of("Linux", Map.of(), HOME, null).root())
                .isEqualTo(Path.of("/home/ann/.local/share/llm-workbench"));
        assertThat(DataDirs.of("Linux", Map.of("XDG_DATA_HOME", "relative/dir"), HOME, null).root())
                .isEqualTo(Path.of("/home/ann/.local/share/llm-workbench"));
        assertThat(DataDirs.of("FreeBSD", Map.of("XDG_DATA_HOME", " "), HOME, null).root())
                .isEqualTo(Path.of("/home/ann/.local/share/llm-workbench"));
    }

    @Test
    void windowsUsesAppData() {
        // Paths are built with the file system we run on; compare by name elements
        DataDirs d = DataDirs.of("Windows 11", Map.of("APPDATA", "/users/ann/AppData/Roaming"), HOME, null);
        assertThat(d.root()).isEqualTo(Path.of("/users/ann/AppData/Roaming/llm-workbench"));
        DataDirs noEnv = DataDirs.of("Windows 10", Map.of(), HOME, null);
        assertThat(noEnv.root()).isEqualTo(Path.of("/home/ann/AppData/Roaming/llm-workbench"));
    }

    @Test
    void macUsesApplicationSupport() {
        DataDirs d = DataDirs.of("Mac OS X", Map.of("XDG_DATA_HOME", "/ignored"), HOME, null);
        assertThat(d.root()).isEqualTo(Path.of("/home/ann/Library/Application Support/llm-workbench"));
    }

    @Test
    void theOverridePropertyWinsEverywhere() {
        for (String os : new String[] {"Linux", "Windows 11", "Mac OS X"}) {
            assertThat(DataDirs.of(os, Map.of("XDG_DATA_HOME", "/x", "APPDATA", "/y"), HOME, "/tmp/wb").root())
                    .isEqualTo(Path.of("/tmp/wb"));
        }
    }

    @Test
    void fromSystemHonoursTheSystemProperty() {
        String old = System.getProperty(DataDirs.OVERRIDE_PROPERTY);
        try {
            System.setProperty(DataDirs.OVERRIDE_PROPERTY, "/tmp/llmwb-prop-test");
            assertThat(DataDirs.fromSystem().root()).isEqualTo(Path.of("/tmp/llmwb-prop-test"));
        } finally {
            if (old == null) {
                System.clearProperty(DataDirs.OVERRIDE_PROPERTY);
            } else {
                System.setProperty(DataDirs.OVERRIDE_PROPERTY, old);
            }
        }
    }
}
