package dev.llmworkbench.bench;

import static dev.llmworkbench.bench.FxPulseProbe.onFx;
import static dev.llmworkbench.bench.FxPulseProbe.savePng;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.app.Theme;
import dev.llmworkbench.ui.app.WorkbenchApp;
import dev.llmworkbench.ui.batch.BatchView;
import dev.llmworkbench.ui.batch.BatchViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The screenshot of the README's provider batch job in progress: a 60-row file on three models (three shards)
 * submitted to the embedded simulator's batch API, taken while the shards run, in the light theme at 1024×700
 * (and 1920×1080 for a look by eye).
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1920x1080x24" mvn -B -o -Pbench test-compile exec:java \
 *   -Dexec.mainClass=dev.llmworkbench.bench.RemoteBatchShots -Dprism.order=sw -Dexec.args=docs/images
 * </pre>
 */
public final class RemoteBatchShots {
    public static void main(String[] args) throws Exception {
        try {
            shoot(Paths.get(args.length > 0 ? args[0] : "/tmp/remote-batch-shots"));
        } finally {
            Platform.exit();
            System.exit(0);
        }
    }

    private static void shoot(Path out) throws Exception {
        Files.createDirectories(out);
        Path data = FxPulseProbe.dataDir("llm-workbench-remote-shots-");
        AppServices services = new AppServices(DataDirs.at(data), false);
        services.providers().save(new ProviderProfile("DashScope batch (simulated)", services.simulator().baseUrl(),
                "qwen-plus", null, Map.of("X-Sim-Faults", "batch-ms=40000"), Map.of(), null, null), null);
        List<String> lines = new ArrayList<>();
        lines.add("request_id,prompt,model");
        String[] models = {"qwen-turbo", "qwen-plus", "qwen-max"};
        for (int i = 1; i <= 60; i++) {
            lines.add("ticket-" + i + ",Summarise support ticket " + i + " in one sentence," + models[i % 3]);
        }
        Path input = Files.write(data.resolve("tickets.csv"), lines, StandardCharsets.UTF_8);

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
        WorkbenchApp app = new WorkbenchApp(new dev.llmworkbench.ui.app.InMemoryUiPreferences(), () -> services);
        app.init();
        Stage stage = onFx(() -> {
            Stage s = new Stage();
            app.start(s);
            app.window().setTheme(Theme.LIGHT);
            s.setWidth(1024);
            s.setHeight(700);
            app.window().showView("Batch");
            return s;
        });
        BatchViewModel vm = onFx(() -> ((BatchView) stage.getScene().lookup("#view-batch")).viewModel());
        onFx(() -> vm.importFile(input)).get();
        onFx(() -> {
            vm.profiles().add("DashScope batch (simulated)");
            vm.profileProperty().set("DashScope batch (simulated)");
            vm.remote().providerBatchProperty().set(true);
            vm.remote().pollSecondsProperty().set("5");
            return null;
        });
        onFx(() -> vm.remote().estimate()).get();
        onFx(() -> vm.remote().submit());
        Thread.sleep(15_000); // the shards in progress, their counts growing
        for (int[] size : new int[][] {{1920, 1080}, {1024, 700}}) {
            onFx(() -> {
                stage.setWidth(size[0]);
                stage.setHeight(size[1]);
                return null;
            });
            Thread.sleep(1500);
            Path file = out.resolve("batch-remote-" + size[0] + "x" + size[1] + "-light.png");
            onFx(() -> {
                savePng(stage.getScene().snapshot(null), file);
                return null;
            });
            System.out.println(file);
        }
        onFx(() -> {
            stage.hide();
            return null;
        });
    }
}
