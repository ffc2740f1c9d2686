package dev.llmworkbench;

import dev.llmworkbench.store.UiThreadIo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails every test during which the UI thread (the FX thread, or a test's {@code UiThread}) did blocking I/O:
 * the store, a secret store or the preferences file, as {@link UiThreadIo} saw it with
 * {@code -Dllmworkbench.checkFxIo=true} (set by the build). Registered for every test by
 * {@code META-INF/services} (JUnit's extension autodetection, on in {@code junit-platform.properties}), so that
 * a trip caught and logged on the way up still fails the test that caused it.
 */
public final class NoBlockingIoOnUiThread implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        UiThreadIo.takeViolations(); // what an earlier test left running did is not this test's
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> seen = UiThreadIo.takeViolations();
        if (!seen.isEmpty()) {
            Map<String, Long> counted = seen.stream().collect(Collectors.groupingBy(Function.identity(),
                    LinkedHashMap::new, Collectors.counting()));
            StringBuilder sb = new StringBuilder("blocking I/O on the UI thread during " + context.getDisplayName());
            counted.forEach((call, times) -> sb.append("; ").append(call).append(times > 1 ? " (" + times + " times)" : ""));
            throw new AssertionError(sb.toString());
        }
    }
}
