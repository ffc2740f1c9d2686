package dev.llmworkbench.cost;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.PriceTier;
import dev.llmworkbench.domain.ThinkingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The dated price catalogue: the bundled {@code prices.json} with the user's overrides laid over it.
 *
 * <p>Overrides live in a separate file of the same entry format, so a newer bundled file never loses
 * them: an override replaces the bundled entry of the same provider and model in place (keeping the
 * catalogue order), or is appended when the bundled file has no such entry. Immutable and thread-safe;
 * {@link #withOverride} and {@link #withoutOverride} return new catalogues.
 *
 * <p>Model names and aliases are matched case-insensitively. The catalogue order defines "first":
 * {@link #find(String)} returns the first entry for a model, {@link #models()} lists canonical names in
 * order of first appearance.
 */
public final class PriceCatalogue {
    /** Classpath location of the bundled catalogue. */
    public static final String BUNDLED_RESOURCE = "/dev/llmworkbench/prices.json";

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    private final int version;
    private final LocalDate updated;
    private final List<ModelPrice> bundled;
    private final List<ModelPrice> overrides;
    private final List<ModelPrice> merged;
    private final Map<String, String> aliases;
    /**
     * What {@link #find(String, String)} answered, by provider and model as asked: the catalogue never changes, and
     * a batch asks the same few pairs for every item (each lookup walked every entry). Bounded by clearing.
     */
    private final Map<String, Optional<ModelPrice>> found = new java.util.concurrent.ConcurrentHashMap<>();
    /** What {@link #tokenizerFor} answered, by model as asked (bounded as {@code found} is). */
    private final Map<String, Tokenizer> tokenizers = new java.util.concurrent.ConcurrentHashMap<>();

    private PriceCatalogue(int version, LocalDate updated, List<ModelPrice> bundled, List<ModelPrice> overrides) {
        this.version = version;
        this.updated = updated;
        this.bundled = List.copyOf(bundled);
        this.overrides = List.copyOf(overrides);
        this.merged = List.copyOf(merge(this.bundled, this.overrides));
        List<ModelPrice> all = new ArrayList<>(this.merged);
        all.addAll(this.bundled);
        this.aliases = aliasMap(all);
    }

    /** Loads the catalogue bundled in the jar, without overrides. */
    public static PriceCatalogue loadBundled() {
        return loadBundled(null);
    }

    /** Loads the catalogue bundled in the jar, with the overrides file if it exists. */
    public static PriceCatalogue loadBundled(Path overridesFile) {
        try (InputStream in = PriceCatalogue.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled price catalogue " + BUNDLED_RESOURCE + " is missing");
            }
            return load(new InputStreamReader(in, StandardCharsets.UTF_8), overridesFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled price catalogue", e);
        }
    }

    /**
     * Loads a catalogue from {@code bundled} and, when {@code overridesFile} is non-null and exists, the
     * user's overrides from it.
     *
     * @throws IllegalArgumentException when a file is not a valid catalogue (the message says which entry)
     */
    public static PriceCatalogue load(Reader bundled, Path overridesFile) {
        Objects.requireNonNull(bundled, "bundled");
        FileDto main = parse(bundled, "bundled catalogue");
        List<ModelPrice> overrides = List.of();
        if (overridesFile != null && Files.exists(overridesFile)) {
            try (Reader r = Files.newBufferedReader(overridesFile, StandardCharsets.UTF_8)) {
                overrides = toPrices(parse(r, overridesFile.toString()), true, overridesFile.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read price overrides " + overridesFile, e);
            }
        }
        LocalDate updated = main.updated == null ? null : parseDate(main.updated, "updated", "bundled catalogue");
        return new PriceCatalogue(main.version == null ? 0 : main.version, updated,
                toPrices(main, false, "bundled catalogue"), overrides);
    }

    /** The bundled file's {@code version}. */
    public int version() {
        return version;
    }

    /** The bundled file's {@code updated} date (null if the file has none). */
    public LocalDate updated() {
        return updated;
    }

    /** Every entry, overrides applied, in catalogue order. */
    public List<ModelPrice> all() {
        return merged;
    }

    /** The user's override entries alone. */
    public List<ModelPrice> overrides() {
        return overrides;
    }

    /** The canonical name for {@code model} (an alias resolved); the input, lower-cased, when unknown. */
    public String resolveAlias(String model) {
        String key = key(model);
        return aliases.getOrDefault(key, key);
    }

    /** The first catalogue entry for the model or alias. */
    public Optional<ModelPrice> find(String model) {
        return find(null, model);
    }

    /** The entry of {@code provider} for the model or alias; {@code provider} null = {@link #find(String)}. */
    public Optional<ModelPrice> find(String provider, String model) {
        if (model == null) {
            return Optional.empty();
        }
        String asked = (provider == null ? "\u0000" : provider) + "\u0001" + model;
        Optional<ModelPrice> known = found.get(asked);
        if (known != null) {
            return known;
        }
        if (found.size() > 4096) {
            found.clear();
        }
        String canonical = resolveAlias(model);
        String prov = provider == null ? null : key(provider);
        Optional<ModelPrice> entry = merged.stream()
                .filter(p -> key(p.model()).equals(canonical) && (prov == null || key(p.provider()).equals(prov)))
                .findFirst();
        found.put(asked, entry);
        return entry;
    }

    /** Every entry for the model or alias, in catalogue order (one per provider). */
    public List<ModelPrice> findAll(String model) {
        String canonical = resolveAlias(model);
        return merged.stream().filter(p -> key(p.model()).equals(canonical)).toList();
    }

    /**
     * The tokenizer estimates count {@code model}'s text with: the one its first catalogue entry naming one
     * names ({@code "tokenizer"}), else the one its name implies ({@link Tokenizer#forModelName}: Qwen models
     * {@link Tokenizer#QWEN3}, everything else, unknown models included, {@link Tokenizer#DEFAULT}).
     */
    public Tokenizer tokenizerFor(String model) {
        if (model == null) {
            return Tokenizer.DEFAULT;
        }
        // asked for every streamed chunk (StreamCap): remembered as find's answers are
        if (tokenizers.size() > 4096) {
            tokenizers.clear();
        }
        return tokenizers.computeIfAbsent(model, m -> {
            String canonical = resolveAlias(m);
            for (ModelPrice p : merged) {
                if (p.tokenizer() != null && key(p.model()).equals(canonical)) {
                    return Tokenizer.parse(p.tokenizer()).orElse(Tokenizer.forModelName(canonical));
                }
            }
            return Tokenizer.forModelName(canonical);
        });
    }

    /** Distinct canonical model names in catalogue order. */
    public List<String> models() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (ModelPrice p : merged) {
            names.add(p.model());
        }
        return List.copyOf(names);
    }

    /** The canonical model names in catalogue order, then every alias (as written in the catalogue). */
    public List<String> modelsAndAliases() {
        LinkedHashSet<String> names = new LinkedHashSet<>(models());
        for (ModelPrice p : merged) {
            names.addAll(p.aliases());
        }
        return List.copyOf(names);
    }

    /** Distinct provider names in catalogue order. */
    public List<String> providers() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (ModelPrice p : merged) {
            names.add(p.provider());
        }
        return List.copyOf(names);
    }

    /** A catalogue with {@code price} as a user override (replacing any override of the same provider and model). */
    public PriceCatalogue withOverride(ModelPrice price) {
        Objects.requireNonNull(price, "price");
        ModelPrice marked = price.withUserOverride(true);
        List<ModelPrice> next = new ArrayList<>();
        boolean replaced = false;
        for (ModelPrice o : overrides) {
            if (sameEntry(o, marked)) {
                next.add(marked);
                replaced = true;
            } else {
                next.add(o);
            }
        }
        if (!replaced) {
            next.add(marked);
        }
        return new PriceCatalogue(version, updated, bundled, next);
    }

    /** A catalogue without the user's override of {@code provider}/{@code model} (the bundled entry shows again). */
    public PriceCatalogue withoutOverride(String provider, String model) {
        String canonical = resolveAlias(model);
        List<ModelPrice> next = overrides.stream()
                .filter(o -> !(key(o.provider()).equals(key(provider)) && key(o.model()).equals(canonical)))
                .toList();
        return new PriceCatalogue(version, updated, bundled, next);
    }

    /** Writes the user's overrides (only those) to {@code file}, atomically where the file system allows. */
    public void saveOverrides(Path file) {
        FileDto dto = new FileDto();
        dto.version = 1;
        dto.updated = LocalDate.now().toString();
        dto.entries = new ArrayList<>();
        for (ModelPrice p : overrides) {
            dto.entries.add(toDto(p));
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                GSON.toJson(dto, w);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException atomicFailed) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write price overrides " + file, e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static List<ModelPrice> merge(List<ModelPrice> bundled, List<ModelPrice> overrides) {
        List<ModelPrice> out = new ArrayList<>(bundled);
        for (ModelPrice o : overrides) {
            boolean replaced = false;
            for (int i = 0; i < out.size(); i++) {
                if (sameEntry(out.get(i), o)) {
                    // an override without aliases keeps the bundled entry's aliases
                    out.set(i, o.aliases().isEmpty() ? withAliases(o, out.get(i).aliases()) : o);
                    replaced = true;
                    break;
                }
            }
            if (!replaced) {
                out.add(o);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static ModelPrice withAliases(ModelPrice p, List<String> aliases) {
        return new ModelPrice(p.provider(), p.model(), aliases, p.currency(), p.inputPerM(), p.outputPerM(),
                p.thinkingOutputPerM(), p.cachedInputPerM(), p.batchDiscount(), p.tiers(), p.contextWindow(),
                p.maxContextWindow(), p.priceDate(), p.source(), p.verified(), p.userOverride(), p.thinking(),
                p.maxThinkingTokens(), p.tokenizer());
    }

    private static Map<String, String> aliasMap(List<ModelPrice> prices) {
        Map<String, String> map = new LinkedHashMap<>();
        for (ModelPrice p : prices) {
            String canonical = key(p.model());
            map.putIfAbsent(canonical, canonical);
        }
        for (ModelPrice p : prices) {
            for (String a : p.aliases()) {
                map.putIfAbsent(key(a), key(p.model()));
            }
        }
        return Collections.unmodifiableMap(map);
    }

    private static boolean sameEntry(ModelPrice a, ModelPrice b) {
        return key(a.provider()).equals(key(b.provider())) && key(a.model()).equals(key(b.model()));
    }

    private static String key(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    private static FileDto parse(Reader reader, String what) {
        try {
            FileDto dto = GSON.fromJson(reader, FileDto.class);
            if (dto == null) {
                throw new IllegalArgumentException(what + " is empty");
            }
            if (dto.entries == null) {
                dto.entries = List.of();
            }
            return dto;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(what + " is not valid price JSON: " + e.getMessage(), e);
        }
    }

    private static List<ModelPrice> toPrices(FileDto dto, boolean override, String what) {
        List<ModelPrice> out = new ArrayList<>();
        for (int i = 0; i < dto.entries.size(); i++) {
            EntryDto e = dto.entries.get(i);
            String where = what + " entry " + (i + 1)
                    + (e == null ? "" : " (" + e.provider + "/" + e.model + ")");
            if (e == null) {
                throw new IllegalArgumentException(where + " is null");
            }
            try {
                out.add(fromDto(e, override, where));
            } catch (NullPointerException | IllegalArgumentException ex) {
                throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static ModelPrice fromDto(EntryDto e, boolean override, String where) {
        require(e.provider, "provider");
        require(e.model, "model");
        require(e.currency, "currency");
        require(e.input, "input");
        require(e.output, "output");
        List<PriceTier> tiers = new ArrayList<>();
        if (e.tiers != null) {
            for (TierDto t : e.tiers) {
                require(t.maxInputTokens, "tiers.max_input_tokens");
                tiers.add(new PriceTier(t.maxInputTokens, t.input, t.output, t.thinkingOutput));
            }
        }
        LocalDate date = e.priceDate == null ? null : parseDate(e.priceDate, "price_date", where);
        if (e.tokenizer != null && Tokenizer.parse(e.tokenizer).isEmpty()) {
            throw new IllegalArgumentException("unknown tokenizer '" + e.tokenizer + "' (known: "
                    + java.util.Arrays.stream(Tokenizer.values()).map(Tokenizer::id).toList() + ")");
        }
        return new ModelPrice(e.provider.trim(), e.model.trim(), e.aliases, Currency.parse(e.currency),
                e.input, e.output, e.thinkingOutput, e.cachedInput, e.batchDiscount, tiers,
                e.contextWindow, e.maxContextWindow, date, e.source,
                e.verified != null && e.verified, override,
                e.thinking == null ? null : ThinkingMode.parse(e.thinking), e.maxThinkingTokens,
                e.tokenizer == null ? null : Tokenizer.parse(e.tokenizer).orElseThrow().id());
    }

    private static EntryDto toDto(ModelPrice p) {
        EntryDto e = new EntryDto();
        e.provider = p.provider();
        e.model = p.model();
        e.aliases = p.aliases().isEmpty() ? null : p.aliases();
        e.currency = p.currency().name();
        e.input = p.inputPerM();
        e.output = p.outputPerM();
        e.thinkingOutput = p.thinkingOutputPerM();
        e.cachedInput = p.cachedInputPerM();
        e.batchDiscount = p.batchDiscount();
        if (!p.tiers().isEmpty()) {
            e.tiers = new ArrayList<>();
            for (PriceTier t : p.tiers()) {
                TierDto d = new TierDto();
                d.maxInputTokens = t.maxInputTokens();
                d.input = t.inputPerM();
                d.output = t.outputPerM();
                d.thinkingOutput = t.thinkingOutputPerM();
                e.tiers.add(d);
            }
        }
        e.contextWindow = p.contextWindow();
        e.maxContextWindow = p.maxContextWindow();
        e.priceDate = p.priceDate() == null ? null : p.priceDate().toString();
        e.source = p.source();
        e.thinking = p.thinking() == null ? null : p.thinking().wireName();
        e.maxThinkingTokens = p.maxThinkingTokens();
        e.tokenizer = p.tokenizer();
        e.verified = p.verified();
        return e;
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
    }

    private static LocalDate parseDate(String s, String field, String where) {
        try {
            return LocalDate.parse(s.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": '" + field + "' is not a date (yyyy-mm-dd): " + s, e);
        }
    }

    @SuppressWarnings("unused") // fields are filled and read by Gson
    private static final class FileDto {
        Integer version;
        String updated;
        String note;
        List<EntryDto> entries;
    }

    @SuppressWarnings("unused")
    private static final class EntryDto {
        String provider;
        String model;
        List<String> aliases;
        String currency;
        BigDecimal input;
        BigDecimal output;
        BigDecimal thinkingOutput;
        BigDecimal cachedInput;
        BigDecimal batchDiscount;
        List<TierDto> tiers;
        Integer contextWindow;
        Integer maxContextWindow;
        String priceDate;
        String source;
        Boolean verified;
        String note;
        String thinking;
        Integer maxThinkingTokens;
        String tokenizer;
    }

    @SuppressWarnings("unused")
    private static final class TierDto {
        Long maxInputTokens;
        BigDecimal input;
        BigDecimal output;
        BigDecimal thinkingOutput;
    }
}
