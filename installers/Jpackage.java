import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

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
                Files.copy(p, input.resolve("lib").resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }

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
            }
            System.out.printf("jpackage %s: %.1f s%n", type, ms / 1000.0);
        }
        try (Stream<Path> made = Files.list(out)) {
            made.sorted().forEach(p -> System.out.println("made " + p));
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
