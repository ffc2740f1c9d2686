package dev.llmworkbench.ui.playground;

import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import java.nio.file.Path;

/** The real desktop services in a temporary data folder (the composition root, for view-model tests). */
final class TestServices implements AutoCloseable {
    final AppServices app;
    final PlaygroundService playground;
    final PriceService prices;
    final PromptLibraryService prompts;

    TestServices(Path dir) {
        app = new AppServices(DataDirs.at(dir), false);
        playground = app.playground();
        prices = app.prices();
        prompts = app.prompts();
    }

    @Override
    public void close() {
        app.close();
    }
}
