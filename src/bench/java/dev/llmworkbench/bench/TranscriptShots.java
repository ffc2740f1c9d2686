package dev.llmworkbench.bench;

import static dev.llmworkbench.bench.FxPulseProbe.onFx;
import static dev.llmworkbench.bench.FxPulseProbe.savePng;

import dev.llmworkbench.domain.Message;
import dev.llmworkbench.service.playground.ConversationTree;
import dev.llmworkbench.service.playground.PlaygroundDraft;
import dev.llmworkbench.service.playground.ReopenRequest;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.app.Theme;
import dev.llmworkbench.ui.app.WorkbenchApp;
import dev.llmworkbench.ui.playground.PlaygroundView;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * Screenshots of the Playground's transcript (a branched conversation with a Markdown answer: a table, a code
 * block, a list, inline code) in the light and the dark theme at 1024×700 and 1920×1080, for a look by eye.
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1920x1080x24" mvn -B -o -Pbench test-compile exec:java \
 *   -Dexec.mainClass=dev.llmworkbench.bench.TranscriptShots -Dprism.order=sw -Dexec.args=/tmp/shots
 * </pre>
 */
public final class TranscriptShots {
    static final String ANSWER = """
            ## Time to first token

            **TTFT** is the time from sending the request to the *first* generated token. With `stream: true` it is \
            what a reader feels as latency; math stays as text: $TTFT = t_{first} - t_{send}$.

            | model | TTFT p50 | TTFT p99 | tokens/s |
            |---|---:|---:|---:|
            | qwen3-235b-a22b | 310 ms | 920 ms | 41 |
            | qwen3-32b | 180 ms | 540 ms | 63 |
            | qwen3-8b | 95 ms | 260 ms | 118 |

            Measure it like this:

            ```python
            import time, openai  # the OpenAI-compatible client
            client = openai.OpenAI(base_url="http://localhost:8089/v1", api_key="sk-local")
            t0 = time.perf_counter()
            for chunk in client.chat.completions.create(model="qwen3-8b", stream=True,
                                                        messages=[{"role": "user", "content": "Hi"}]):
                if chunk.choices and chunk.choices[0].delta.content:
                    print(f"TTFT {1000 * (time.perf_counter() - t0):.0f} ms")
                    break
            ```

            1. Warm the connection first.
            2. Take the median of many requests, not one.
               - report p99 too
            > A single request tells you little about a distribution.
            """;

    public static void main(String[] args) throws Exception {
        try {
            shoot(args);
        } finally {
            Platform.exit();
            System.exit(0);
        }
    }

    private static void shoot(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "/tmp/transcript-shots");
        java.nio.file.Files.createDirectories(out);
        AppServices services = new AppServices(DataDirs.at(FxPulseProbe.dataDir("llm-workbench-shots-")), false);
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
        WorkbenchApp app = new WorkbenchApp(new dev.llmworkbench.ui.app.InMemoryUiPreferences(), () -> services);
        app.init(); // opens the services, off the FX thread
        Stage stage = onFx(() -> {
            Stage s = new Stage();
            app.start(s);
            app.window().showView("Playground");
            return s;
        });
        ConversationTree tree = ConversationTree.EMPTY
                .append(Message.user("What is TTFT and how do I measure it?"), "", null, null, null)
                .append(Message.assistant("TTFT is the time to the first token."), "", 402.0, 9,
                        new BigDecimal("0.00003"));
        int first = tree.head();
        tree = tree.cutAt(tree.turn(first).parent()).append(Message.assistant(ANSWER),
                "The user wants a definition and a way to measure. A table of typical values helps; then code.",
                312.0, 486, new BigDecimal("0.0014"));
        PlaygroundDraft draft = new PlaygroundDraft("You are a concise performance engineer.",
                "And what is a good TPOT?", Map.of(), Map.of(), tree.messages(), tree);
        ReopenRequest r = new ReopenRequest(1, null, null, null, "And what is a good TPOT?", null, null,
                "**TPOT** (time per output token) under `30 ms` reads as fluent:\n\n- chat: < 50 ms\n- code: < 30 ms\n",
                "Quick answer with a short list.", draft);
        PlaygroundView view = onFx(() -> (PlaygroundView) stage.getScene().lookup("#view-playground"));
        onFx(() -> {
            view.viewModel().reopen(r);
            return null;
        });
        for (Theme theme : List.of(Theme.LIGHT, Theme.DARK)) {
            for (int[] size : new int[][] {{1024, 700}, {1920, 1080}}) {
                onFx(() -> {
                    app.window().setTheme(theme);
                    stage.setWidth(size[0]);
                    stage.setHeight(size[1]);
                    return null;
                });
                Thread.sleep(1500); // layout, CSS and the scroll to the end
                Path file = out.resolve("transcript-" + size[0] + "x" + size[1] + "-"
                        + theme.name().toLowerCase(java.util.Locale.ROOT) + ".png");
                onFx(() -> {
                    view.transcript().listView().scrollTo(0);
                    return null;
                });
                Thread.sleep(500);
                onFx(() -> {
                    savePng(stage.getScene().snapshot(null), file);
                    return null;
                });
                System.out.println(file);
            }
        }
        onFx(() -> {
            stage.hide();
            return null;
        });
    }
}
