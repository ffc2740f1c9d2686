package dev.llmworkbench.service.playground;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Role;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A conversation with its branches, immutable: a tree of turns. Each turn has a parent (0: the conversation's
 * start); turns with the same parent are siblings, alternatives of each other (a regenerated answer, an edited
 * prompt). The conversation shown and sent is the path from the start to the {@link #head()}; each parent
 * remembers which child was chosen last, so switching to a sibling brings back the branch under it. Every
 * change returns a new tree (a snapshot is safe to hand to another thread and to store).
 */
public final class ConversationTree {
    /** The empty conversation. */
    public static final ConversationTree EMPTY = new ConversationTree(List.of(), 0, Map.of());

    /**
     * One turn: its message (role, text, tool calls); for an answer its reasoning and its figures (null when not
     * known: TTFT in ms, tokens out, cost in USD).
     */
    public record Turn(int id, int parent, Message message, String reasoning, Double ttftMs, Integer tokensOut,
                       BigDecimal costUsd) {
        public Turn {
            Objects.requireNonNull(message, "message");
            reasoning = reasoning == null ? "" : reasoning;
        }

        public Role role() {
            return message.role();
        }

        public String text() {
            return message.content();
        }

        Turn withParent(int p) {
            return new Turn(id, p, message, reasoning, ttftMs, tokensOut, costUsd);
        }
    }

    private final List<Turn> turns;
    private final int head;
    /** parent id → the child chosen last. */
    private final Map<Integer, Integer> chosen;

    private ConversationTree(List<Turn> turns, int head, Map<Integer, Integer> chosen) {
        this.turns = List.copyOf(turns);
        this.head = head;
        this.chosen = Collections.unmodifiableMap(new LinkedHashMap<>(chosen));
    }

    /** A conversation without branches, one turn after the other (the turns' figures unknown). */
    public static ConversationTree of(List<Message> messages) {
        ConversationTree t = EMPTY;
        for (Message m : messages) {
            t = t.append(m, "", null, null, null);
        }
        return t;
    }

    /** Every turn, in the order they were made. */
    public List<Turn> turns() {
        return turns;
    }

    /** The last turn of the conversation shown, 0 when it is empty. */
    public int head() {
        return head;
    }

    public boolean isEmpty() {
        return head == 0;
    }

    /** The turn {@code id}; an unknown id is refused. */
    public Turn turn(int id) {
        for (Turn t : turns) {
            if (t.id() == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("no turn " + id);
    }

    /** The conversation shown: the turns from the start to the head. */
    public List<Turn> path() {
        List<Turn> out = new ArrayList<>();
        for (int id = head; id != 0; ) {
            if (out.size() > turns.size()) {
                throw new IllegalStateException("the turns' parents make a cycle");
            }
            Turn t = turn(id);
            out.add(t);
            id = t.parent();
        }
        Collections.reverse(out);
        return out;
    }

    /** The path as the messages of a request. */
    public List<Message> messages() {
        return path().stream().map(Turn::message).toList();
    }

    /** The children of a turn (0: the first turns), oldest first. */
    public List<Turn> children(int parent) {
        return turns.stream().filter(t -> t.parent() == parent).toList();
    }

    /** The turn and its alternatives, oldest first. */
    public List<Turn> siblings(int id) {
        return children(turn(id).parent());
    }

    /** A new turn after the head; it becomes the head. */
    public ConversationTree append(Message message, String reasoning, Double ttftMs, Integer tokensOut,
                                   BigDecimal costUsd) {
        int id = turns.stream().mapToInt(Turn::id).max().orElse(0) + 1;
        List<Turn> all = new ArrayList<>(turns);
        all.add(new Turn(id, head, message, reasoning, ttftMs, tokensOut, costUsd));
        Map<Integer, Integer> ch = new LinkedHashMap<>(chosen);
        ch.put(head, id);
        return new ConversationTree(all, id, ch);
    }

    /**
     * Shows the conversation up to {@code id} (0: empty): the turns after it stay, as a branch that the next
     * turn after it becomes a sibling of.
     */
    public ConversationTree cutAt(int id) {
        if (id != 0) {
            turn(id);
        }
        return new ConversationTree(turns, id, chosen);
    }

    /** Switches to the sibling {@code id}: the conversation follows the children chosen last below it. */
    public ConversationTree select(int id) {
        Turn t = turn(id);
        Map<Integer, Integer> ch = new LinkedHashMap<>(chosen);
        ch.put(t.parent(), id);
        int h = id;
        for (List<Turn> kids = children(h); !kids.isEmpty(); kids = children(h)) {
            Integer c = ch.get(h);
            int at = h;
            h = c != null && kids.stream().anyMatch(k -> k.id() == c) ? c : kids.get(kids.size() - 1).id();
            ch.put(at, h);
        }
        return new ConversationTree(turns, h, ch);
    }

    /** The turn's text replaced, in place (no branch). */
    public ConversationTree withText(int id, String text) {
        List<Turn> all = new ArrayList<>();
        for (Turn t : turns) {
            Message m = t.message();
            all.add(t.id() == id ? new Turn(t.id(), t.parent(), new Message(m.role(), text, m.toolCalls(),
                    m.toolCallId()), t.reasoning(), t.ttftMs(), t.tokensOut(), t.costUsd()) : t);
        }
        return new ConversationTree(all, head, chosen);
    }

    /**
     * Removes the turn from its branch: the turns after it follow its parent (one turn out of a conversation, as
     * the turn list did before branches).
     */
    public ConversationTree remove(int id) {
        Turn gone = turn(id);
        List<Turn> all = new ArrayList<>();
        for (Turn t : turns) {
            if (t.id() != id) {
                all.add(t.parent() == id ? t.withParent(gone.parent()) : t);
            }
        }
        Map<Integer, Integer> ch = new LinkedHashMap<>(chosen);
        Integer next = ch.remove(id);
        if (Objects.equals(ch.get(gone.parent()), id)) {
            if (next != null) {
                ch.put(gone.parent(), next);
            } else {
                ch.remove(gone.parent());
            }
        }
        int h = head == id ? gone.parent() : head;
        return new ConversationTree(all, h, ch);
    }

    // ------------------------------------------------------------------ JSON (kept with a run in the history)

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("head", head);
        JsonArray a = new JsonArray();
        for (Turn t : turns) {
            JsonObject j = new JsonObject();
            j.addProperty("id", t.id());
            j.addProperty("parent", t.parent());
            j.addProperty("role", t.role().name().toLowerCase(Locale.ROOT));
            j.addProperty("content", t.text());
            if (!t.reasoning().isEmpty()) {
                j.addProperty("reasoning", t.reasoning());
            }
            j.addProperty("ttft_ms", t.ttftMs());
            j.addProperty("tokens_out", t.tokensOut());
            j.addProperty("cost_usd", t.costUsd() == null ? null : t.costUsd().toPlainString());
            a.add(j);
        }
        o.add("turns", a);
        JsonObject ch = new JsonObject();
        chosen.forEach((k, v) -> ch.addProperty(Integer.toString(k), v));
        o.add("chosen", ch);
        return o;
    }

    /** The tree {@link #toJson()} wrote; null when {@code e} is not one (or names a turn that is not there). */
    public static ConversationTree fromJson(JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            return null;
        }
        try {
            JsonObject o = e.getAsJsonObject();
            List<Turn> all = new ArrayList<>();
            for (JsonElement el : o.getAsJsonArray("turns")) {
                JsonObject j = el.getAsJsonObject();
                Role role = Role.valueOf(j.get("role").getAsString().toUpperCase(Locale.ROOT));
                all.add(new Turn(j.get("id").getAsInt(), j.get("parent").getAsInt(),
                        new Message(role, str(j, "content"), List.of(), null), str(j, "reasoning"), has(j, "ttft_ms") ? j.get("ttft_ms").getAsDouble() : null,
                        has(j, "tokens_out") ? j.get("tokens_out").getAsInt() : null,
                        has(j, "cost_usd") ? new BigDecimal(j.get("cost_usd").getAsString()) : null));
            }
            Map<Integer, Integer> ch = new LinkedHashMap<>();
            if (has(o, "chosen")) {
                o.getAsJsonObject("chosen").entrySet().forEach(en -> ch.put(Integer.parseInt(en.getKey()),
                        en.getValue().getAsInt()));
            }
            ConversationTree t = new ConversationTree(all, o.get("head").getAsInt(), ch);
            t.path(); // every parent is there
            return t;
        } catch (RuntimeException bad) {
            return null;
        }
    }

    private static boolean has(JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull();
    }

    private static String str(JsonObject o, String name) {
        return has(o, name) ? o.get(name).getAsString() : "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConversationTree t && t.head == head && t.turns.equals(turns) && t.chosen.equals(chosen);
    }

    @Override
    public int hashCode() {
        return Objects.hash(turns, head, chosen);
    }

    @Override
    public String toString() {
        return "ConversationTree[head " + head + ", " + turns.size() + " turns]";
    }
}
