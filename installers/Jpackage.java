import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Builds the installer of the platform it runs on with jpackage, from target/llm-workbench.jar and
 * target/lib (classpath jars) and the argument files in installers/. Run by {@code mvn -Pinstaller
 * package} (exec-maven-plugin) as a single-file program:
 *
 * <pre>java installers/Jpackage.java VERSION [TYPES]</pre>
 *
 * TYPES is "default" (Linux: app-image,deb; Windows: app-image,msi; macOS: app-image,dmg) or a
 * comma-separated list such as "app-image". The app-image is always built first, then each package
 * is made from that image, so what is packaged is what was smoke-tested. Output: target/installer/.
 *
 * <p>The app's licences travel with it: a {@code legal/} folder next to the app's jar (Linux
 * {@code lib/app/legal}) holds LICENSE, NOTICE, THIRD-PARTY-NOTICES.txt (written by license-maven-plugin
 * into target/legal/ from the dependencies' POMs) and, per library group, {@code third-party/GROUP/}: the
 * licence and notice files each jar carries (copied unchanged to {@code third-party/GROUP/ARTIFACT/}),
 * the texts kept in {@code installers/legal/third-party/GROUP/}, and the standard Apache-2.0 text for an
 * Apache-2.0 library that carries none. The build fails when a jar in target/lib is not in the list, or
 * when a library ends up with no licence text.
 */
public final class Jpackage {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            fail("usage: java installers/Jpackage.java VERSION [TYPES]");
        }
        String os = os();
        String version = numericVersion(args[0]);
        String types = args.length > 1 && !args[1].isBlank() && !args[1].equals("default") ? args[1]
                : "app-image," + switch (os) {
                    case "linux" -> "deb";
                    case "windows" -> "msi";
                    default -> "dmg";
                };

        Path target = Path.of("target");
        Path jar = target.resolve("llm-workbench.jar");
        Path lib = target.resolve("lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            fail("run the package phase first: " + jar + " and " + lib + "/ are missing");
        }
        Path out = target.resolve("installer");
        Path input = target.resolve("installer-input");
        deleteTree(out);
        deleteTree(input);
        Files.createDirectories(input.resolve("lib"));
        Files.copy(jar, input.resolve(jar.getFileName()));
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path p : (Iterable<Path>) jars::iterator) {
                Path to = input.resolve("lib").resolve(p.getFileName());
                if (p.getFileName().toString().startsWith("sqlite-jdbc-")) {
                    onlyOwnNatives(p, to, os);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        legal(target.resolve("legal").resolve(THIRD_PARTY), lib, input.resolve("legal"));

        Path image = null;
        for (String type : types.split(",")) {
            type = type.trim();
            List<String> a = new ArrayList<>();
            if (type.equals("app-image")) {
                a.addAll(List.of("@installers/common.cfg", "@installers/" + os + "/app-image.cfg",
                        "--type", "app-image", "--input", input.toString()));
            } else {
                if (image == null) {
                    fail("a package is made from the app-image: put app-image first in " + types);
                }
                a.addAll(List.of("@installers/" + os + "/package.cfg", "--type", type,
                        "--app-image", image.toString()));
            }
            a.addAll(List.of("--app-version", version, "--dest", out.toString()));
            long t0 = System.nanoTime();
            run(a);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (type.equals("app-image")) {
                image = onlyDirectory(out);
                if (os.equals("linux")) {
                    trainClassList(image);
                }
            }
            System.out.printf("jpackage %s: %.1f s%n", type, ms / 1000.0);
        }
        try (Stream<Path> made = Files.list(out)) {
            made.sorted().forEach(p -> System.out.println("made " + p));
        }
    }

    /**
     * sqlite-jdbc carries its native library for 24 OS and CPU pairs (12 MB); an installer runs on one, the one it
     * is built on (its jlinked runtime is that platform's too). Copies the jar without the others' natives.
     */
    static void onlyOwnNatives(Path jar, Path to, String os) throws IOException {
        String folder = switch (os) {
            case "windows" -> "Windows";
            case "macos" -> "Mac";
            default -> "Linux";
        };
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> System.getProperty("os.arch");
        };
        String keep = "org/sqlite/native/" + folder + "/" + arch + "/";
        int kept = 0;
        try (ZipFile zip = new ZipFile(jar.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e : zip.stream().map(ZipEntry.class::cast).toList()) {
                String name = e.getName();
                boolean nativeLib = name.startsWith("org/sqlite/native/") && !e.isDirectory();
                if (nativeLib && !name.startsWith(keep)) {
                    continue;
                }
                kept += nativeLib ? 1 : 0;
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                try (InputStream in = zip.getInputStream(e)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        if (kept == 0) {
            fail(jar + " has no native library for " + keep + ": the installer would have no database");
        }
        System.out.printf("sqlite-jdbc: kept the natives of %s only (%d KB of %d KB)%n", keep,
                Files.size(to) / 1024, Files.size(jar) / 1024);
    }

    static final String THIRD_PARTY = "THIRD-PARTY-NOTICES.txt";
    private static final Path KEPT_TEXTS = Path.of("installers", "legal", "third-party");
    private static final Pattern ARTIFACT = Pattern.compile("^  artifact: +([^:\\s]+):([^:\\s]+):(\\S+)$");
    private static final Pattern LICENCE = Pattern.compile("^  licence: +(.+)$");
    /** Licence and notice files a jar carries at its root or under META-INF/. */
    private static final Pattern LEGAL_FILE = Pattern.compile(
            "(?i)(licen[cs]e|notice|copying|copyright)([._-][^/]*)?");
    private static final Pattern LICENCE_TEXT = Pattern.compile("(?i)(licen[cs]e|copying)([._-][^/]*)?");

    /** One library of THIRD-PARTY-NOTICES.txt. */
    record Library(String group, String artifact, String version, List<String> licences) {
        String stem() {
            return artifact + "-" + version;
        }
    }

    /**
     * Fills DEST (the app's legal/ folder) from the project's LICENSE and NOTICE, the generated third-party
     * list and the licence texts of each library; fails when the list and target/lib disagree or a library
     * has no licence text.
     */
    static void legal(Path list, Path lib, Path dest) throws IOException {
        if (!Files.isRegularFile(list)) {
            fail(list + " is missing: license-maven-plugin (add-third-party, installer profile) writes it");
        }
        Files.createDirectories(dest);
        for (String f : List.of("LICENSE", "NOTICE")) {
            if (!Files.isRegularFile(Path.of(f))) {
                fail(f + " is missing at the repository root");
            }
            Files.copy(Path.of(f), dest.resolve(f));
        }
        Files.copy(list, dest.resolve(THIRD_PARTY));

        List<Library> libraries = parse(list);
        Map<String, List<Library>> groups = new TreeMap<>();
        for (Library l : libraries) {
            groups.computeIfAbsent(l.group(), g -> new ArrayList<>()).add(l);
        }
        Path thirdParty = dest.resolve("third-party");

        // every jar belongs to one library (a platform jar such as javafx-base-21-linux.jar to javafx-base-21)
        // and gives it the licence and notice files it carries
        TreeSet<String> unused = new TreeSet<>();
        libraries.forEach(l -> unused.add(l.stem()));
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path p : (Iterable<Path>) jars.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".jar")) {
                    continue;
                }
                String stem = name.substring(0, name.length() - ".jar".length());
                Library owner = null;
                for (Library l : libraries) {
                    if ((stem.equals(l.stem()) || stem.startsWith(l.stem() + "-"))
                            && (owner == null || l.stem().length() > owner.stem().length())) {
                        owner = l;
                    }
                }
                if (owner == null) {
                    fail(lib.resolve(name) + " is not in " + list + " (left by an earlier build? mvn clean)");
                }
                unused.remove(owner.stem());
                copyLegalFiles(p, thirdParty.resolve(owner.group()).resolve(owner.artifact()));
            }
        }
        if (!unused.isEmpty()) {
            fail(list + " names libraries that are not in " + lib + ": " + unused);
        }

        // the texts kept in the repository (licences the jars do not carry), one folder per group
        if (Files.isDirectory(KEPT_TEXTS)) {
            try (Stream<Path> kept = Files.list(KEPT_TEXTS)) {
                for (Path g : (Iterable<Path>) kept.sorted()::iterator) {
                    String group = g.getFileName().toString();
                    if (!groups.containsKey(group)) {
                        fail(g + " belongs to no library in " + list + ": remove it or fix its name");
                    }
                    copyTree(g, thirdParty.resolve(group));
                }
            }
        }

        // each group has a licence text; an Apache-2.0 library without one gets the standard text
        for (Map.Entry<String, List<Library>> e : groups.entrySet()) {
            Path dir = thirdParty.resolve(e.getKey());
            if (hasLicenceText(dir)) {
                continue;
            }
            boolean apache = e.getValue().stream().allMatch(l -> l.licences().equals(List.of("Apache-2.0")));
            if (!apache) {
                fail("no licence text for " + e.getValue() + ": put it in " + KEPT_TEXTS.resolve(e.getKey()) + "/");
            }
            Files.createDirectories(dir);
            Files.copy(Path.of("LICENSE"), dir.resolve("LICENSE"));
        }
        try (Stream<Path> all = Files.walk(dest)) {
            System.out.printf("legal: %d files in %s for %d libraries%n",
                    all.filter(Files::isRegularFile).count(), dest, libraries.size());
        }
    }

    static List<Library> parse(Path list) throws IOException {
        List<Library> libraries = new ArrayList<>();
        List<String> licences = null;
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            Matcher a = ARTIFACT.matcher(line);
            Matcher l = LICENCE.matcher(line);
            if (a.matches()) {
                licences = new ArrayList<>();
                libraries.add(new Library(a.group(1), a.group(2), a.group(3), licences));
            } else if (l.matches() && licences != null) {
                licences.add(l.group(1).trim());
            } else if (line.isBlank()) {
                licences = null;
            }
        }
        if (libraries.isEmpty()) {
            fail(list + " lists no library (its \"artifact:\" lines are what this reads)");
        }
        for (Library lib : libraries) {
            if (lib.licences().isEmpty()) {
                fail(list + ": " + lib.stem() + " has no \"licence:\" line");
            }
        }
        return libraries;
    }

    /** Copies the licence and notice files of a jar (at its root or under META-INF/) into DIR, unchanged. */
    private static void copyLegalFiles(Path jar, Path dir) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().map(ZipEntry.class::cast).toList()) {
                String path = entry.getName();
                String fileName = path.substring(path.lastIndexOf('/') + 1);
                boolean place = !path.contains("/") || path.startsWith("META-INF/");
                if (entry.isDirectory() || !place || !LEGAL_FILE.matcher(fileName).matches()) {
                    continue;
                }
                Path to = dir.resolve(fileName);
                if (Files.exists(to)) {
                    fail(jar + " has two licence files named " + fileName);
                }
                Files.createDirectories(dir);
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, to);
                }
            }
        }
    }

    private static boolean hasLicenceText(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> Files.isRegularFile(p)
                    && LICENCE_TEXT.matcher(p.getFileName().toString()).matches());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /**
     * The classes the app loads on its way to the first window and through one answer: the smoke test run by the
     * image's own launcher in a real window under Xvfb, with {@code -XX:DumpLoadedClassList}, written to
     * {@code lib/app/app.classlist}. The .deb's postinst dumps a class-data archive of them at the installed path
     * (a static archive is only valid at the path it was made for); the archive makes the first window come
     * about a second sooner. Without xvfb-run, or when that smoke test fails, the image is packaged without the list
     * (a line says so; .ci/run fails then, as it checks the list is there).
     */
    static void trainClassList(Path image) throws IOException, InterruptedException {
        Path list = image.resolve("lib/app/app.classlist").toAbsolutePath();
        Path launcher = image.resolve("bin/llm-workbench").toAbsolutePath();
        Path data = Files.createTempDirectory("llm-workbench-train");
        try {
            ProcessBuilder pb = new ProcessBuilder("xvfb-run", "-a", launcher.toString(), "--smoke-test");
            pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:DumpLoadedClassList=" + list);
            pb.environment().put("XDG_DATA_HOME", data.toString());
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            long t0 = System.nanoTime();
            int rc;
            try {
                rc = pb.start().waitFor();
            } catch (IOException e) {
                System.out.println("class list: not made (" + e.getMessage() + "): the .deb will make no class-data archive");
                return;
            }
            if (rc != 0 || !Files.isRegularFile(list)) {
                Files.deleteIfExists(list);
                System.out.println("class list: not made (the smoke test under xvfb-run exited " + rc
                        + "): the .deb will make no class-data archive");
                return;
            }
            long classes;
            try (Stream<String> lines = Files.lines(list)) {
                classes = lines.filter(l -> !l.startsWith("#") && !l.startsWith("@")).count();
            }
            System.out.printf("class list: %d classes from the smoke test (%.1f s) in %s%n", classes,
                    (System.nanoTime() - t0) / 1e9, list);
        } finally {
            deleteTree(data);
        }
    }

    private static void run(List<String> args) {
        ToolProvider jpackage = ToolProvider.findFirst("jpackage")
                .orElseThrow(() -> new IllegalStateException("jpackage is missing: build with a full JDK 17+"));
        System.out.println("jpackage " + String.join(" ", args));
        int rc = jpackage.run(System.out, System.err, args.toArray(String[]::new));
        if (rc != 0) {
            fail("jpackage failed with exit code " + rc);
        }
    }

    private static String os() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.startsWith("windows")) {
            return "windows";
        }
        if (name.startsWith("mac")) {
            return "macos";
        }
        return "linux";
    }

    /** jpackage wants 1 to 3 dot-separated numbers (e.g. 0.1.0 from 0.1.0-SNAPSHOT). */
    static String numericVersion(String v) {
        String numeric = v.replaceFirst("^(\\d+(\\.\\d+){0,2}).*$", "$1");
        if (!numeric.matches("\\d+(\\.\\d+){0,2}")) {
            fail("version " + v + " does not start with a number");
        }
        return numeric;
    }

    private static Path onlyDirectory(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            if (dirs.size() != 1) {
                fail("expected one app-image in " + dir + ", found " + dirs);
            }
            return dirs.get(0);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void fail(String message) {
        System.err.println("installer: " + message);
        System.exit(1);
    }
}
