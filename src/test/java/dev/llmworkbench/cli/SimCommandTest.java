package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.testing.Poll;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimCommandTest {
    @Test
    void aBadFaultSpecIsWrongUsage() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine cl = Cli.newCommandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("sim", "--faults", "explode=1");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("unknown fault name 'explode'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badServerLimitsAreWrongUsageInOneLine() {
        for (String[] args : new String[][] {{"--max-body-bytes", "0"}, {"--read-timeout-ms", "-5"},
                {"--max-handlers", "0"}}) {
            StringWriter err = new StringWriter();
            CommandLine cl = Cli.newCommandLine();
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            String[] full = {"sim", args[0], args[1]};
            assertThat(cl.execute(full)).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString().strip()).as(String.join(" ", args)).doesNotContain("\n").isNotEmpty();
        }
    }

    @Test
    void aBadPortIsWrongUsage() {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.newCommandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("sim", "--port", "not-a-port")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--port");
    }

    @Test
    void printsTheBaseUrlFirstAndServesUntilInterrupted() throws Exception {
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        StringBuilder buf = new StringBuilder();
        Writer lines = new Writer() {
            @Override
            public void write(char[] c, int off, int len) {
                synchronized (buf) {
                    buf.append(c, off, len);
                    int nl = buf.indexOf(System.lineSeparator());
                    if (nl >= 0) {
                        firstLine.complete(buf.substring(0, nl));
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        CommandLine cl = Cli.newCommandLine();
        cl.setOut(new PrintWriter(lines));
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> exit = runner.submit(() -> cl.execute("sim", "--faults", "ttft-ms=0,tps=0", "--models",
                    "my-local-model"));
            String url = firstLine.get(10, TimeUnit.SECONDS);
            assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/v1");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
            HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(url + "/models"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(models.body()).contains("qwen3-235b-a22b").contains("my-local-model");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/models/my-local-model"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/models/not-served"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(404);

            exit.cancel(true);
            runner.shutdown();
            assertThat(runner.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            int port = URI.create(url).getPort();
            // the listening socket's close is finished by the server's selector thread, which tells nobody:
            // only asking the port shows it
            Poll.until("port " + port + " closed", Duration.ofSeconds(5), () -> refusesConnections(port));
        } finally {
            runner.shutdownNow();
        }
    }

    /** True when nothing listens on {@code port} any more. */
    private static boolean refusesConnections(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return false; // still open: ask again
        } catch (IOException refused) {
            return true;
        }
    }
}
