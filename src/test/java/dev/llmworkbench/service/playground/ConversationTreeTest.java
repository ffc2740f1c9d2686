package dev.llmworkbench.service.playground;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.playground.ConversationTree.Turn;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTreeTest {
    private static ConversationTree twoExchanges() {
        return ConversationTree.EMPTY
                .append(Message.user("q1"), "", null, null, null)
                .append(Message.assistant("a1"), "thought", 12.5, 40, new BigDecimal("0.0012"))
                .append(Message.user("q2"), "", null, null, null)
                .append(Message.assistant("a2"), "", 9.0, 10, null);
    }

    private static List<String> texts(ConversationTree t) {
        return t.path().stream().map(Turn::text).toList();
    }

    @Test
    void theConversationIsThePathToTheHead() {
        ConversationTree t = twoExchanges();
        assertThat(texts(t)).containsExactly("q1", "a1", "q2", "a2");
        assertThat(t.messages()).extracting(Message::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
    }

    @Test
    void aRegeneratedAnswerIsASiblingAndTheSwitcherBringsEitherBack() {
        ConversationTree t = twoExchanges();
        int a2 = t.head();
        ConversationTree regen = t.cutAt(t.turn(a2).parent()).append(Message.assistant("a2'"), "", null, null, null);
        assertThat(texts(regen)).containsExactly("q1", "a1", "q2", "a2'");
        assertThat(regen.siblings(regen.head())).extracting(Turn::text).containsExactly("a2", "a2'");
        assertThat(texts(regen.select(a2))).containsExactly("q1", "a1", "q2", "a2");
        assertThat(texts(regen.select(a2).select(regen.head()))).containsExactly("q1", "a1", "q2", "a2'");
    }

    @Test
    void switchingAnEarlierTurnFollowsTheBranchChosenLastBelowIt() {
        ConversationTree t = twoExchanges();
        int q1 = t.path().get(0).id();
        // an edited first prompt, answered, continued
        ConversationTree b = t.cutAt(0).append(Message.user("q1 edited"), "", null, null, null)
                .append(Message.assistant("b1"), "", null, null, null);
        assertThat(texts(b)).containsExactly("q1 edited", "b1");
        assertThat(texts(b.select(q1))).containsExactly("q1", "a1", "q2", "a2");
        int edited = b.path().get(0).id();
        assertThat(texts(b.select(q1).select(edited))).containsExactly("q1 edited", "b1");
    }

    @Test
    void removingATurnKeepsTheTurnsAfterIt() {
        ConversationTree t = twoExchanges();
        ConversationTree r = t.remove(t.path().get(1).id());
        assertThat(texts(r)).containsExactly("q1", "q2", "a2");
        assertThat(texts(r.remove(r.head()))).containsExactly("q1", "q2");
    }

    @Test
    void theTreeSurvivesJsonWithItsBranchesAndFigures() {
        ConversationTree t = twoExchanges();
        ConversationTree branched = t.cutAt(t.turn(t.head()).parent()).append(Message.assistant("a2'"), "", null,
                null, null);
        ConversationTree back = ConversationTree.fromJson(branched.toJson());
        assertThat(back).isEqualTo(branched);
        Turn a1 = back.path().get(1);
        assertThat(a1.reasoning()).isEqualTo("thought");
        assertThat(a1.ttftMs()).isEqualTo(12.5);
        assertThat(a1.tokensOut()).isEqualTo(40);
        assertThat(a1.costUsd()).isEqualByComparingTo("0.0012");
    }

    @Test
    void aBrokenTreeIsNoTree() {
        com.google.gson.JsonObject o = twoExchanges().toJson();
        o.addProperty("head", 99);
        assertThat(ConversationTree.fromJson(o)).isNull();
        assertThat(ConversationTree.fromJson(new com.google.gson.JsonPrimitive("x"))).isNull();
    }

    @Test
    void aDraftKeepsTheTreeOnlyWhenItsPathIsTheConversationSent() {
        ConversationTree t = twoExchanges();
        PlaygroundDraft d = new PlaygroundDraft("", "next", null, null, t.messages(), t);
        assertThat(PlaygroundDraft.fromJson(d.toJson()).tree()).isEqualTo(t);
        PlaygroundDraft other = new PlaygroundDraft("", "next", null, null, List.of(Message.user("q1")), t);
        assertThat(PlaygroundDraft.fromJson(other.toJson()).tree()).isNull();
    }
}
