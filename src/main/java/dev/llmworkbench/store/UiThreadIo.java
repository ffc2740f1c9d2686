package dev.llmworkbench.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The tripwire for blocking I/O on the UI thread. With {@code -Dllmworkbench.checkFxIo=true} (the build sets it
 * for the tests) the entry points that block (the database's reads and writes, the secret stores, the
 * preferences file) call {@link #check(String)}, which fails on the JavaFX application thread, or on a thread a
 * test marked as its UI thread, with an {@link IllegalStateException} naming the call. Each such call is also
 * remembered, so that a test fails even when the exception is caught and logged on the way up. Off, as in the
 * app, a check is one property read.
 */
public final class UiThreadIo {
    /** The system property that turns the check on. */
    public static final String PROPERTY = "llmworkbench.checkFxIo";
    /** The name the JavaFX toolkit gives its application thread. */
    static final String FX_THREAD_NAME = "JavaFX Application Thread";

    private static final ThreadLocal<Boolean> MARKED = ThreadLocal.withInitial(() -> false);
    private static final List<String> VIOLATIONS = new ArrayList<>();

    private UiThreadIo() {
    }

    /** Whether the check is on ({@value #PROPERTY}). */
    public static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /**
     * Fails when the check is on and the calling thread is a UI thread.
     *
     * @param call what blocks, as the message names it ("Database.read", "FileSecretStore.load")
     * @throws IllegalStateException on a UI thread, with the check on
     */
    public static void check(String call) {
        if (!enabled() || !isUiThread()) {
            return;
        }
        String what = call + " on the UI thread (" + Thread.currentThread().getName()
                + "): blocking I/O must run on a worker";
        synchronized (VIOLATIONS) {
            VIOLATIONS.add(what);
        }
        throw new IllegalStateException(what);
    }

    /** Whether the calling thread is the JavaFX application thread or one marked by {@link #markUiThread()}. */
    public static boolean isUiThread() {
        return MARKED.get() || FX_THREAD_NAME.equals(Thread.currentThread().getName());
    }

    /** The calling thread counts as a UI thread from now on (a test's stand-in for the FX thread). */
    public static void markUiThread() {
        MARKED.set(true);
    }

    /** The calls that tripped the check since the last time this was asked, oldest first; forgets them. */
    public static List<String> takeViolations() {
        synchronized (VIOLATIONS) {
            List<String> all = List.copyOf(VIOLATIONS);
            VIOLATIONS.clear();
            return all;
        }
    }
}
