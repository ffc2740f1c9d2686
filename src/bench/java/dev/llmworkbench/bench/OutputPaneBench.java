package dev.llmworkbench.bench;

import dev.llmworkbench.bench.FxPulseProbe.Figures;
import dev.llmworkbench.bench.FxPulseProbe.Memory;
import dev.llmworkbench.bench.FxPulseProbe.PulseRecorder;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.playground.TranscriptView;
import dev.llmworkbench.ui.playground.PlaygroundView;
import dev.llmworkbench.ui.playground.PlaygroundViewModel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;

import static dev.llmworkbench.bench.FxPulseProbe.gc;
import static dev.llmworkbench.bench.FxPulseProbe.onFx;
import static dev.llmworkbench.bench.FxPulseProbe.savePng;

/**
 * Issue 5's output-pane benchmark: the real desktop window (the app's composition root, a temporary
 * data folder) streams 100,000 tokens at 5,000 tokens/s from the embedded simulator through the
 * playground's transcript (issue 19: it replaced the output pane), while an {@link javafx.animation.AnimationTimer} records the gap between successive FX
 * pulses. Baseline: the same window idle for 10 s. Stream: the first 5 s are a warm-up and are not
 * counted. Reports p50/p99/max of the gaps, heap (after GC) and RSS before and after, the wall time,
 * and checks that the text in the pane equals the text the simulator sends for the same request
 * (a second, unpaced request outside the UI); exits 1 if the text differs, 2 if a target is missed.
 *
 * <p>Run under a real X server (software rendering):
 * <pre>
 * xvfb-run -a -s "-screen 0 1400x900x24" mvn -B -o -Pbench test-compile exec:java \
 *   -Dexec.mainClass=dev.llmworkbench.bench.OutputPaneBench -Dprism.order=sw
 * </pre>
 * Optional args: tokens (100000), tokens/s (5000), idle seconds (10), warm-up seconds (5);
 * {@code --load N} runs N CPU-burning processes beside it (CpuLoad).
 */
public final class OutputPaneBench {
    private static final String PROFILE = "Bench simulator";

    public static void main(String[] all) throws Exception {
        CpuLoad load = CpuLoad.start(CpuLoad.count(all));
        String[] args = CpuLoad.positional(all);
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int tps = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmupSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        System.out.println(FxPulseProbe.machineLine());

        Path data = FxPulseProbe.dataDir("llm-workbench-bench-");
        AppServices services = new AppServices(DataDirs.at(data), false);
        ProviderProfile sim = services.providers().simulator();
        ProviderProfile bench = services.providers().save(new ProviderProfile(PROFILE, sim.baseUrl(),
                sim.defaultModel(), null, Map.of("X-Sim-Faults", "ttft-ms=0,tps=" + tps),
                Map.of("sim_chunks", tokens), null, null), null);

        Stage stage = FxPulseProbe.openWindow(services, "Playground");
        PlaygroundView view = onFx(() -> (PlaygroundView) stage.getScene().lookup("#view-playground"));
        PlaygroundViewModel vm = view.viewModel();
        TranscriptView answerArea = onFx(view::transcript);
        ChatRequest request = onFx(() -> {
            vm.profileProperty().set(vm.profiles().stream().filter(p -> p.name().equals(PROFILE)).findFirst()
                    .orElseThrow());
            vm.userPromptProperty().set("Write a very long essay about streaming text to the screen.");
            vm.seedProperty().set("7");
            vm.streamProperty().set(true);
            return vm.buildRequest();
        });
        System.out.printf(Locale.ROOT, "window %.0fx%.0f, profile %s, model %s, %d tokens at %d tokens/s%n",
                stage.getWidth(), stage.getHeight(), bench.name(), request.model(), tokens, tps);

        // the reference text: the same request, unpaced, outside the UI
        ProviderProfile unpaced = new ProviderProfile("reference", sim.baseUrl(), sim.defaultModel(), null,
                Map.of("X-Sim-Faults", "ttft-ms=0,tps=0"), Map.of("sim_chunks", tokens), null, null);
        Completion reference = new OpenAiClient(unpaced, null, Timeouts.defaults(), null, System::nanoTime)
                .complete(request);
        if (reference.error() != null) {
            throw new IllegalStateException("reference request failed: " + reference.error());
        }
        long refTokens = reference.usage() == null ? -1 : reference.usage().completionTokens();
        System.out.printf(Locale.ROOT, "reference: %,d chars, %,d completion tokens%n", reference.text().length(),
                refTokens);

        PulseRecorder pulses = new PulseRecorder();
        onFx(() -> {
            pulses.start();
            return null;
        });
        Thread.sleep(2_000); // let the window settle (first layout, fonts, estimate)
        Memory before = Memory.now();

        // baseline: the window showing, nothing streaming
        onFx(() -> {
            pulses.begin();
            return null;
        });
        Thread.sleep(idleSeconds * 1000L);
        Figures idle = Figures.of(onFx(pulses::end));
        String idleLongest = onFx(() -> pulses.longest(8));

        // the stream
        CompletableFuture<PlaygroundViewModel.State> finished = new CompletableFuture<>();
        long t0 = System.nanoTime();
        onFx(() -> {
            vm.stateProperty().addListener((o, a, s) -> {
                if (s != PlaygroundViewModel.State.RUNNING) {
                    finished.complete(s);
                }
            });
            vm.run();
            return null;
        });
        Thread.sleep(warmupSeconds * 1000L);
        onFx(() -> {
            pulses.begin();
            return null;
        });
        long[] gc0 = gc();
        String shot = System.getProperty("bench.snapshot");
        if (shot != null) {
            onFx(() -> {
                savePng(stage.getScene().snapshot(null), Paths.get(shot));
                return null;
            });
        }
        PlaygroundViewModel.State end = finished.get(10, TimeUnit.MINUTES);
        long wallNanos = System.nanoTime() - t0;
        long[] gc1 = gc();
        Figures streaming = Figures.of(onFx(pulses::end));
        String streamLongest = onFx(() -> pulses.longest(8));
        // the end of the run: the answer rendered from Markdown once and added to the conversation
        onFx(() -> {
            pulses.begin();
            return null;
        });
        Thread.sleep(2_000);
        Figures ending = Figures.of(onFx(pulses::end));
        // the whole answer scrolled through, 300 px a frame, from the top
        onFx(() -> {
            answerArea.listView().scrollTo(0);
            return null;
        });
        Thread.sleep(500);
        javafx.animation.AnimationTimer scroller = new javafx.animation.AnimationTimer() {
            @Override
            public void handle(long now) {
                if (answerArea.listView().lookup(".virtual-flow")
                        instanceof javafx.scene.control.skin.VirtualFlow<?> f) {
                    f.scrollPixels(300);
                }
            }
        };
        onFx(() -> {
            pulses.begin();
            scroller.start();
            return null;
        });
        Thread.sleep(5_000);
        Figures scrolling = Figures.of(onFx(() -> {
            scroller.stop();
            return pulses.end();
        }));
        long[] charsInPane = new long[1];
        String shown = onFx(() -> {
            pulses.stop();
            String t = answerArea.answerText();
            System.out.printf(Locale.ROOT, "transcript: %d rows, %d cells%n", answerArea.rowCount(),
                    answerArea.lookupAll(".transcript-row").size());

            charsInPane[0] = t.length();
            return t;
        });
        Memory after = Memory.now();
        String runText = onFx(() -> vm.answerProperty().get());
        String tokensOut = onFx(() -> vm.tokensOutProperty().get());

        boolean exact = shown.equals(reference.text()) && runText.equals(reference.text());
        System.out.println();
        System.out.println("run ended: " + end + ", wall " + String.format(Locale.ROOT, "%.2f s", wallNanos / 1e9)
                + " (" + String.format(Locale.ROOT, "%.0f", tokens / (wallNanos / 1e9)) + " tokens/s end to end), "
                + "tokens out " + tokensOut);
        System.out.println(idle.line("idle"));
        System.out.println(streaming.line("stream"));
        System.out.println(ending.line("end 2 s"));
        System.out.println(scrolling.line("scroll"));
        System.out.println("longest idle gaps (ms@s):  " + idleLongest);
        System.out.println("longest stream gaps (ms@s):" + streamLongest);
        System.out.printf(Locale.ROOT, "ratio    p50 %.2fx  p99 %.2fx  max %.2fx (stream / idle)%n",
                streaming.p50() / idle.p50(), streaming.p99() / idle.p99(), streaming.max() / idle.max());
        System.out.printf(Locale.ROOT, "GC while recording the stream: %d collections, %d ms in total%n",
                gc1[0] - gc0[0], gc1[1] - gc0[1]);
        System.out.println("memory before: " + before);
        System.out.println("memory after:  " + after);
        System.out.printf(Locale.ROOT, "text: pane %,d chars, run %,d chars, reference %,d chars: %s%n", charsInPane[0],
                runText.length(), reference.text().length(), exact ? "EXACT" : "DIFFERENT");

        Map<String, Boolean> targets = new LinkedHashMap<>();
        targets.put("stream p99 <= 33 ms", streaming.p99() <= 33);
        targets.put("stream p99 <= 1.5x idle p99", streaming.p99() <= 1.5 * idle.p99());
        targets.put("stream max < 100 ms", streaming.max() < 100);
        targets.put("final text exact", exact);
        targets.forEach((k, v) -> System.out.println((v ? "PASS  " : "FAIL  ") + k));

        onFx(() -> {
            stage.hide();
            return null;
        });
        Platform.exit();
        int code = !exact ? 1 : targets.containsValue(false) ? 2 : 0;
        load.close();
        System.exit(code);
    }
}
