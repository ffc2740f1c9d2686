package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.client.BatchLines;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.RowPlans;
import dev.llmworkbench.store.RemoteShardStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Cuts a job's rows into shards: grouped by (model, thinking mode) in input order, each group cut within the
 * settings' lines and bytes per file; a row's line larger than a line or a file may be is refused with that
 * reason. Each shard is written, as it is cut, to {@code dir/shard-N.jsonl} (the OpenAI batch format) with its
 * SHA-256, so files of any size stream through and a resume can rewrite a lost file byte for byte.
 */
final class ShardPlanner {
    /** What a planning gave: the shards to store and the rows refused, by item id. */
    record Result(List<RemoteShardStore.NewShard> shards, Map<Long, String> refused) {
    }

    private final ProviderProfile profile;
    private final RowPlans plans;
    private final RemoteSettings settings;

    ShardPlanner(ProviderProfile profile, RowPlans plans, RemoteSettings settings) {
        this.profile = Objects.requireNonNull(profile);
        this.plans = Objects.requireNonNull(plans);
        this.settings = Objects.requireNonNull(settings);
    }

    /** The row's stable id, sent as {@code custom_id}: its request id, else {@code #} and its position. */
    static String customId(BatchItemRecord item) {
        return item.requestId() != null ? item.requestId() : "#" + item.seq();
    }

    /** A row's request as its batch line carries it, with its model and thinking mode. */
    record Line(String model, Boolean thinking, String text) {
    }

    Line line(BatchItemRecord item) {
        return line(BatchRow.fromJson(item.rowJson()), customId(item));
    }

    private Line line(BatchRow row, String customId) {
        RowPlans.Plan p = plans.plan(row, false);
        ChatRequest req = p.request();
        if (req.enableThinking() == null && profile.dialect() == Dialect.DASHSCOPE
                && p.model().toLowerCase(Locale.ROOT).startsWith("qwen3")) {
            // DashScope: one thinking mode per file, said explicitly on every line of a Qwen3 model
            req = req.toBuilder().enableThinking(false).build();
        }
        return new Line(p.model(), req.enableThinking(), BatchLines.requestLine(profile, customId, req));
    }

    /** How many files {@link #plan} would cut these rows into (nothing written; too large rows not counted). */
    int countFiles(List<BatchRow> rows) {
        Map<String, long[]> open = new LinkedHashMap<>(); // key -> {lines, bytes}
        int files = 0;
        long limit = Math.min(settings.maxBytesPerLine(), settings.maxBytesPerFile());
        int i = 0;
        for (BatchRow row : rows) {
            Line l = line(row, "#" + i++);
            long bytes = (l.text() + "\n").getBytes(StandardCharsets.UTF_8).length;
            if (bytes > limit) {
                continue;
            }
            long[] o = open.get(l.model() + "\u0000" + l.thinking());
            if (o == null || o[0] + 1 > settings.maxLinesPerFile() || o[1] + bytes > settings.maxBytesPerFile()) {
                o = new long[2];
                open.put(l.model() + "\u0000" + l.thinking(), o);
                files++;
            }
            o[0]++;
            o[1] += bytes;
        }
        return files;
    }

    private final class Open implements AutoCloseable {
        final int shardNo;
        final Line first;
        final Path file;
        final MessageDigest sha;
        final OutputStream out;
        final List<Long> ids = new ArrayList<>();
        long bytes;

        Open(int shardNo, Line first, Path dir) throws IOException {
            this.shardNo = shardNo;
            this.first = first;
            this.file = dir.resolve("shard-" + shardNo + ".jsonl");
            this.sha = sha256();
            this.out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha);
        }

        boolean fits(long lineBytes) {
            return ids.size() + 1 <= settings.maxLinesPerFile() && bytes + lineBytes <= settings.maxBytesPerFile();
        }

        void add(long id, byte[] line) throws IOException {
            out.write(line);
            bytes += line.length;
            ids.add(id);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        RemoteShardStore.NewShard done() throws IOException {
            close();
            return new RemoteShardStore.NewShard(shardNo, first.model(), first.thinking(), file.toString(),
                    HexFormat.of().formatHex(sha.digest()), ids.size(), bytes, ids);
        }
    }

    /** Plans {@code items} (in input order) into shards numbered from {@code firstShardNo}, written under {@code dir}. */
    Result plan(List<BatchItemRecord> items, int firstShardNo, Path dir) {
        Map<String, Open> open = new LinkedHashMap<>();
        List<RemoteShardStore.NewShard> shards = new ArrayList<>();
        Map<Long, String> refused = new LinkedHashMap<>();
        int next = firstShardNo;
        try {
            Files.createDirectories(dir);
            for (BatchItemRecord item : items) {
                Line l = line(item);
                byte[] bytes = (l.text() + "\n").getBytes(StandardCharsets.UTF_8);
                long limit = Math.min(settings.maxBytesPerLine(), settings.maxBytesPerFile());
                if (bytes.length > limit) {
                    refused.put(item.id(), "too large for a provider batch file: its line is " + bytes.length
                            + " bytes, the limit is " + limit);
                    continue;
                }
                String key = l.model() + "\u0000" + l.thinking();
                Open o = open.get(key);
                if (o != null && !o.fits(bytes.length)) {
                    shards.add(o.done());
                    o = null;
                }
                if (o == null) {
                    o = new Open(next++, l, dir);
                    open.put(key, o);
                }
                o.add(item.id(), bytes);
            }
            for (Open o : open.values()) {
                shards.add(o.done());
            }
        } catch (IOException e) {
            for (Open o : open.values()) {
                try {
                    o.close();
                } catch (IOException ignored) {
                    // reported below
                }
            }
            throw new UncheckedIOException("cannot write the batch files in " + dir + ": " + e.getMessage(), e);
        }
        shards.sort(java.util.Comparator.comparingInt(RemoteShardStore.NewShard::shardNo));
        return new Result(shards, refused);
    }

    /**
     * Writes a shard's file again from its rows (in input order) and returns its SHA-256: the same as stored
     * when the rows and settings are the same.
     */
    String rewrite(List<BatchItemRecord> items, Path file) {
        MessageDigest sha = sha256();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                    1 << 16), sha)) {
                for (BatchItemRecord item : items) {
                    out.write((line(item).text() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the batch file " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
