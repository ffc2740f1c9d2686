package dev.llmworkbench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;
import java.util.Set;
import java.util.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.application.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The import rules of ARCHITECTURE.md, checked on the compiled main classes. */
class ArchitectureTest {
    private static final String ROOT = "dev.llmworkbench";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(ROOT);
    }

    private static String p(String pkg) {
        return ROOT + "." + pkg + "..";
    }

    /** Every rule must find classes to check: a rule on a package that is gone (or renamed) fails. */
    private static void check(ArchRule rule) {
        rule.allowEmptyShould(false).check(classes);
    }

    @Test
    void domainImportsOnlyTheJdk() {
        check(classes().that().resideInAPackage(p("domain"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(p("domain"), "java.."));
    }

    @Test
    void clientImportsDomainOkHttpAndGson() {
        check(classes().that().resideInAPackage(p("client"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(p("client"), p("domain"), "java..",
                        "javax.net.ssl..", "okhttp3..", "okio..", "kotlin..", "com.google.gson.."));
    }

    @Test
    void resilienceImportsOnlyDomain() {
        check(classes().that().resideInAPackage(p("resilience"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(p("resilience"), p("domain"), "java.."));
    }

    @Test
    void costImportsDomainJtokkitAndGson() {
        check(classes().that().resideInAPackage(p("cost"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(p("cost"), p("domain"), "java..",
                        "com.knuddels.jtokkit..", "com.google.gson.."));
    }

    @Test
    void metricsImportsDomainAndHdrHistogram() {
        check(classes().that().resideInAPackage(p("metrics"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(p("metrics"), p("domain"), "java..",
                        "org.HdrHistogram.."));
    }

    @Test
    void storeImportsDomainJdbcAndGson() {
        check(classes().that().resideInAPackage(p("store"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(p("store"), p("domain"), "java..",
                        "javax.crypto..", "com.google.gson..", "org.sqlite.."));
    }

    @Test
    void simSharesNothingWithTheClient() {
        check(classes().that().resideInAPackage(p("sim"))
                .should().onlyDependOnClassesThat().resideInAnyPackage(p("sim"), p("domain"), "java..",
                        "javax.net..", "com.sun.net.httpserver..", "com.google.gson.."));
    }

    @Test
    void serviceNeverImportsJavaFxOrTheEntryPoints() {
        check(noClasses().that().resideInAPackage(p("service"))
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", p("ui"), p("cli"), p("sim")));
    }

    @Test
    void theLowerLayersStandSideBySide() {
        String[] lower = {"client", "resilience", "cost", "metrics", "store", "sim", "domain"};
        for (String a : lower) {
            for (String b : new String[] {"client", "resilience", "cost", "metrics", "store", "sim", "service",
                    "cli", "ui"}) {
                if (!a.equals(b)) {
                    check(noClasses().that().resideInAPackage(p(a))
                            .should().dependOnClassesThat().resideInAPackage(p(b))
                            .because(a + " must not depend on " + b));
                }
            }
        }
    }

    @Test
    void noJavaFxOutsideUi() {
        check(noClasses().that().resideOutsideOfPackages(p("ui"))
                .and().doNotHaveFullyQualifiedName(ROOT + ".Main")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "atlantafx..", "org.fxmisc.."));
    }

    @Test
    void cliNeverImportsUi() {
        check(noClasses().that().resideInAPackage(p("cli"))
                .should().dependOnClassesThat().resideInAnyPackage(p("ui"), "javafx.."));
    }

    @Test
    void uiNeverImportsCli() {
        check(noClasses().that().resideInAPackage(p("ui"))
                .should().dependOnClassesThat().resideInAnyPackage(p("cli")));
    }

    @Test
    void uiFeaturesDoNotImportEachOther() {
        // every package under ui is a feature (a new one is checked without anyone listing it), except the
        // composition root (ui.app), which wires them, and ui.common, which they all share
        check(SlicesRuleDefinition.slices().matching(ROOT + ".ui.(*)..")
                .should().notDependOnEachOther()
                .ignoreDependency(JavaClass.Predicates.resideInAPackage(p("ui.app")), DescribedPredicate.alwaysTrue())
                .ignoreDependency(DescribedPredicate.alwaysTrue(), JavaClass.Predicates.resideInAPackage(p("ui.common"))));
    }

    @Test
    void cliTalksOnlyToServiceAndDomain() {
        // apart from its composition root (CliServices, which also starts the simulator `sim` runs), every command
        // talks to service and domain only
        check(noClasses().that().resideInAPackage(p("cli"))
                .and(DescribedPredicate.not(cliClass("CliServices")))
                .should().dependOnClassesThat().resideInAnyPackage(lower(LOWER))
                .because("the commands talk to service and domain; CliServices, the composition root, opens the"
                        + " store, builds clients and starts the simulator"));
    }

    private static String[] lower(List<String> layers) {
        return layers.stream().map(ArchitectureTest::p).toArray(String[]::new);
    }

    /** The layers below service, which the commands do not talk to. */
    private static final List<String> LOWER = List.of("client", "store", "resilience", "cost", "metrics", "sim");

    private static DescribedPredicate<JavaClass> cliClass(String... simpleNames) {
        Set<String> names = Set.of(simpleNames);
        return DescribedPredicate.describe("cli." + names, (JavaClass c) -> {
            String n = c.getName();
            String top = n.contains("$") ? n.substring(0, n.indexOf('$')) : n;
            return names.stream().anyMatch(s -> top.equals(ROOT + ".cli." + s));
        });
    }

    @Test
    void executorsTimersAndTheFxQueueOnlyInTheCompositionRootsAndUiCommon() {
        check(noClasses().that().resideOutsideOfPackages(p("ui.app"), p("ui.common"), p("sim"))
                .and().doNotHaveFullyQualifiedName(ROOT + ".service.DaemonThreads")
                .and().doNotHaveFullyQualifiedName(ROOT + ".cli.CliServices")
                .should().callMethodWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(
                        JavaClass.Predicates.equivalentTo(Executors.class)))
                        .and(JavaCall.Predicates.target(HasName.Predicates.nameStartingWith("new"))))
                .orShould().callConstructor(Timer.class)
                .orShould().callMethod(Platform.class, "runLater", Runnable.class)
                .because("executors are made in a composition root (DaemonThreads); the FX thread is reached"
                        + " through ui.common"));
    }

    @Test
    void noAsyncStepWithoutAnExecutor() {
        // the one-argument *Async methods run on the common pool: unnamed threads nobody shuts down
        check(noClasses().should().callMethod(CompletableFuture.class, "supplyAsync", Supplier.class)
                .orShould().callMethod(CompletableFuture.class, "runAsync", Runnable.class)
                .orShould().callMethod(CompletableFuture.class, "thenApplyAsync", Function.class)
                .orShould().callMethod(CompletableFuture.class, "thenAcceptAsync", Consumer.class)
                .orShould().callMethod(CompletableFuture.class, "thenRunAsync", Runnable.class)
                .orShould().callMethod(CompletableFuture.class, "thenComposeAsync", Function.class)
                .orShould().callMethod(CompletableFuture.class, "whenCompleteAsync", BiConsumer.class)
                .orShould().callMethod(CompletableFuture.class, "handleAsync", BiFunction.class));
    }

    @Test
    void viewModelsUseBeansNotScenes() {
        check(noClasses().that().resideInAPackage(p("ui")).and().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage.."));
    }

    @Test
    void uiFeaturesTalkToServiceAndDomainOnly() {
        check(noClasses().that().resideInAPackage(p("ui")).and().resideOutsideOfPackage(p("ui.app"))
                .should().dependOnClassesThat().resideInAnyPackage(p("client"), p("resilience"), p("store"),
                        p("sim"), p("metrics"), p("cost")));
    }

    @Test
    void noSystemOutOutsideCli() {
        check(noClasses().that().resideOutsideOfPackage(p("cli"))
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err"));
    }

    @Test
    void threadsAreCreatedOnlyByTheThreadFactoryAndTheSimulatorServer() {
        check(noClasses().that().resideOutsideOfPackage(p("sim"))
                .and().doNotHaveFullyQualifiedName(ROOT + ".service.DaemonThreads")
                .should().callConstructor(Thread.class)
                .orShould().callConstructor(Thread.class, Runnable.class)
                .orShould().callConstructor(Thread.class, Runnable.class, String.class)
                .orShould().callConstructor(Thread.class, String.class));
    }

    @org.junit.jupiter.api.Test
    void noSourceFileInUiOrServiceIsOver500Lines() throws java.io.IOException {
        // a class that outgrows this has more than one job (issue 12): split it by what it does
        java.util.List<String> tooLong = new java.util.ArrayList<>();
        for (String layer : java.util.List.of("ui", "service")) {
            java.nio.file.Path root = java.nio.file.Path.of("src/main/java/dev/llmworkbench", layer);
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
                    long lines = java.nio.file.Files.readAllLines(f).size();
                    if (lines > 500) {
                        tooLong.add(f + " (" + lines + " lines)");
                    }
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(tooLong).isEmpty();
    }
}
