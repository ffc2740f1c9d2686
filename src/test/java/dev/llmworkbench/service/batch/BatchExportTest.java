package dev.llmworkbench.service.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchExportTest {
    @TempDir
    Path dir;

    @Test
    void anExportThatFailsHalfWayLeavesTheEarlierFileAndNoTemporaryOne() throws Exception {
        Path out = dir.resolve("exports").resolve("results.jsonl");
        BatchExport.writeTo(out, w -> w.write("{\"first\":true}\n"));
        assertThat(Files.readString(out)).isEqualTo("{\"first\":true}\n");

        assertThatThrownBy(() -> BatchExport.writeTo(out, w -> {
            w.write("{\"second\":");
            throw new IOException("disk full");
        })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("results.jsonl").hasMessageContaining("disk full");
        assertThatThrownBy(() -> BatchExport.writeTo(out, w -> {
            w.write("{\"third\":");
            throw new IllegalStateException("the store went away");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(Files.readString(out)).isEqualTo("{\"first\":true}\n");
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out);
        }
        BatchExport.writeTo(out, w -> w.write("{\"fourth\":true}\n"));
        assertThat(Files.readString(out)).isEqualTo("{\"fourth\":true}\n");
    }

    @Test
    void theNextExportRemovesWhatAKilledExportLeftBehind() throws Exception {
        Path out = dir.resolve("out.jsonl");
        Path left = java.nio.file.Files.writeString(dir.resolve(".out.jsonl.123456.part"), "half an export");
        Path other = java.nio.file.Files.writeString(dir.resolve(".other.jsonl.1.part"), "another file's");
        BatchExport.writeTo(out, w -> w.write("{}\n"));
        assertThat(java.nio.file.Files.readString(out)).isEqualTo("{}\n");
        assertThat(left).doesNotExist();
        assertThat(other).exists();
    }
}
