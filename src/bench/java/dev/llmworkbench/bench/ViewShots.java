package dev.llmworkbench.bench;

import static dev.llmworkbench.bench.FxPulseProbe.onFx;
import static dev.llmworkbench.bench.FxPulseProbe.savePng;

import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.app.Theme;
import dev.llmworkbench.ui.app.WorkbenchApp;
import dev.llmworkbench.ui.bench.BenchView;
import dev.llmworkbench.ui.bench.BenchViewModel;
import dev.llmworkbench.ui.compare.CompareView;
import dev.llmworkbench.ui.compare.CompareViewModel;
import dev.llmworkbench.ui.eval.EvalView;
import dev.llmworkbench.ui.eval.EvalViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * Screenshots of Compare after a run (two lanes on the embedded simulator: one thinking, one not), of Evaluate
 * with a promptfoo configuration imported and run (2 prompts × 2 models × 6 cases) and of Benchmark after three
 * concurrency levels, in the light and the dark theme
 * at 1024×700 and 1920×1080, for the README and a look by eye.
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1920x1080x24" mvn -B -o -Pbench test-compile exec:java \
 *   -Dexec.mainClass=dev.llmworkbench.bench.ViewShots -Dprism.order=sw -Dexec.args=docs/images
 * </pre>
 */
public final class ViewShots {
    private ViewShots() {
    }

    public static void main(String[] args) throws Exception {
        try {
            shoot(Paths.get(args.length > 0 ? args[0] : "/tmp/view-shots"));
        } finally {
            Platform.exit();
            System.exit(0);
        }
    }

    private static void shoot(Path out) throws Exception {
        Files.createDirectories(out);
        Path data = FxPulseProbe.dataDir("llm-workbench-shots-");
        AppServices services = new AppServices(DataDirs.at(data), false);
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
        WorkbenchApp app = new WorkbenchApp(new dev.llmworkbench.ui.app.InMemoryUiPreferences(), () -> services);
        app.init();
        Stage stage = onFx(() -> {
            Stage s = new Stage();
            app.start(s);
            s.setWidth(1920);
            s.setHeight(1080);
            app.window().showView("Compare");
            return s;
        });

        // Compare: one prompt, two lanes, the first thinking
        CompareView compare = onFx(() -> (CompareView) stage.getScene().lookup("#view-compare"));
        CompareViewModel cvm = compare.viewModel();
        onFx(() -> {
            cvm.systemPromptProperty().set("You are a concise performance engineer.");
            cvm.promptProperty().set("In three sentences: why does TTFT grow under load?");
            cvm.lanes().get(0).modelProperty().set("qwen3-235b-a22b");
            cvm.lanes().get(0).thinkingProperty().set(true);
            cvm.lanes().get(0).temperatureProperty().set("0.3");
            cvm.lanes().get(1).modelProperty().set("qwen-turbo");
            cvm.lanes().get(1).temperatureProperty().set("1.2");
            cvm.run();
            return null;
        });
        await(() -> onFx(() -> !cvm.runningProperty().get()), 120);
        Thread.sleep(1000);
        shots(app, stage, out, "compare");

        // Evaluate: a promptfoo configuration on the simulator, imported and run
        Path dir = Files.createTempDirectory("shots-eval");
        StringBuilder csv = new StringBuilder("question,__expected1,__expected2\n");
        String[] qs = {"What is TTFT?", "What is TPOT?", "Why use p99?", "What is goodput?", "What is ITL?",
                "Why warm up?"};
        for (String q : qs) {
            csv.append(q).append(",regex: ^[A-Z],contains: .\n");
        }
        Files.writeString(dir.resolve("tests.csv"), csv);
        String url = services.simulator().baseUrl();
        Files.writeString(dir.resolve("promptfooconfig.yaml"), """
                prompts:
                  - raw: "Answer briefly: {{ question }}"
                    label: v1
                  - raw: "You are a careful engineer. {{question}} Answer in full sentences."
                    label: v2
                providers:
                  - id: openai:chat:qwen-turbo
                    config: {apiBaseUrl: "%s"}
                  - id: openai:chat:qwen-plus
                    label: plus-short
                    config: {apiBaseUrl: "%s", max_tokens: 5}
                tests: file://tests.csv
                """.formatted(url, url));
        onFx(() -> {
            app.window().showView("Evaluate");
            return null;
        });
        EvalView eval = onFx(() -> (EvalView) stage.getScene().lookup("#view-evaluate"));
        EvalViewModel evm = eval.viewModel();
        onFx(() -> evm.importConfig(dir.resolve("promptfooconfig.yaml"))).get(60, TimeUnit.SECONDS);
        onFx(() -> evm.run()).get(180, TimeUnit.SECONDS);
        Thread.sleep(1000);
        onFx(() -> {
            evm.select(1, 0);
            return null;
        });
        shots(app, stage, out, "evaluate");

        // Benchmark: three concurrency levels on the simulator with a known latency
        onFx(() -> {
            app.window().showView("Benchmark");
            return null;
        });
        BenchView bench = onFx(() -> (BenchView) stage.getScene().lookup("#view-benchmark"));
        BenchViewModel bvm = bench.viewModel();
        onFx(() -> {
            bvm.options().headersProperty().set("X-Sim-Faults=ttft-ms=150,tps=60,jitter=0.1");
            bvm.options().levelsProperty().set("1,4,16");
            bvm.options().requestsProperty().set("32");
            bvm.options().maxTokensProperty().set("40");
            bvm.options().sloTtftMsProperty().set("300");
            return null;
        });
        onFx(() -> bvm.run()).get(300, TimeUnit.SECONDS);
        Thread.sleep(1000);
        shots(app, stage, out, "benchmark");
        onFx(() -> {
            stage.hide();
            return null;
        });
    }

    private static void shots(WorkbenchApp app, Stage stage, Path out, String name) throws Exception {
        for (Theme theme : List.of(Theme.LIGHT, Theme.DARK)) {
            for (int[] size : new int[][] {{1024, 700}, {1920, 1080}}) {
                onFx(() -> {
                    app.window().setTheme(theme);
                    stage.setWidth(size[0]);
                    stage.setHeight(size[1]);
                    return null;
                });
                Thread.sleep(1500); // layout and CSS
                Path file = out.resolve(name + "-" + size[0] + "x" + size[1] + "-"
                        + theme.name().toLowerCase(java.util.Locale.ROOT) + ".png");
                onFx(() -> {
                    savePng(stage.getScene().snapshot(null), file);
                    return null;
                });
                System.out.println(file);
            }
        }
    }

    private static void await(java.util.concurrent.Callable<Boolean> done, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.call()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("not done within " + seconds + " s");
            }
            Thread.sleep(200);
        }
    }
}
