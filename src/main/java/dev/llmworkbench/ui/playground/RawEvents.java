package dev.llmworkbench.ui.playground;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The raw stream events kept for the inspector: the first {@value #HEAD} and the last
 * {@value #TAIL}, with the number left out between them, so a stream of 100,000 chunks neither
 * fills the heap nor puts megabytes into a text area. Written by the one thread that delivers
 * the stream, read once at the end.
 */
final class RawEvents {
    static final int HEAD = 1_000;
    static final int TAIL = 200;
    private record Event(long nanos, String data) { }

    private final List<Event> head = new ArrayList<>();
    private final ArrayDeque<Event> tail = new ArrayDeque<>();
    private long count;

    synchronized void add(long nanosSinceStart, String data) {
        count++;
        Event e = new Event(nanosSinceStart, data);
        if (head.size() < HEAD) {
            head.add(e);
            return;
        }
        if (tail.size() == TAIL) {
            tail.removeFirst();
        }
        tail.addLast(e);
    }

    synchronized String text() {
        StringBuilder sb = new StringBuilder();
        for (Event e : head) {
            line(sb, e);
        }
        long skipped = count - head.size() - tail.size();
        if (skipped > 0) {
            sb.append(String.format(Locale.ROOT, "… %,d events not shown …\n", skipped));
        }
        for (Event e : tail) {
            line(sb, e);
        }
        if (sb.length() > 0) {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, Event e) {
        sb.append(String.format(Locale.ROOT, "%9.1f ms  %s", e.nanos() / 1e6, e.data())).append('\n');
    }
}
