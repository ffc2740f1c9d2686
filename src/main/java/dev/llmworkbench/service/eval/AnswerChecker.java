package dev.llmworkbench.service.eval;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.service.batch.RunBudget;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ChatService;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of one answer: the deterministic ones at once, the judged ones ({@code llm-rubric}, {@code llm-similar})
 * as requests to the judge model through the chat service (its limiter and retries), each reserved on the judge's
 * budget first; their verdicts are collected once the requests are answered.
 */
final class AnswerChecker {
    /** The judge's answer limit when its provider sets none: a verdict is a short JSON object. */
    private static final int JUDGE_MAX_TOKENS = 512;

    private final ChatService chat;
    private final GridSetup setup;

    AnswerChecker(ChatService chat, GridSetup setup) {
        this.chat = chat;
        this.setup = setup;
    }

    /** The checks of one answer: the deterministic ones at once, the judged ones as requests under way. */
    static final class Verdicts {
        private final List<Object> parts = new ArrayList<>(); // EvalChecks.Result or a Judged
        private BigDecimal judgeCost = BigDecimal.ZERO;
        private boolean judged;

        /** The verdicts in the checks' order, waiting for the judge's answers. */
        List<EvalChecks.Result> collect() {
            List<EvalChecks.Result> out = new ArrayList<>();
            for (Object p : parts) {
                if (p instanceof EvalChecks.Result r) {
                    out.add(r);
                } else {
                    Judged j = (Judged) p;
                    ChatOutcome o = j.run.await();
                    BigDecimal cost = o.costUsd() == null ? BigDecimal.ZERO : o.costUsd().amount();
                    j.budget.settle(j.worst, cost);
                    judgeCost = judgeCost.add(cost);
                    judged = true;
                    out.add(o.ok() ? EvalChecks.verdict(j.check, o.completion().text())
                            : new EvalChecks.Result(j.check.type(), j.check.value(), false,
                            "the judge's request failed: " + o.completion().error().describe()));
                }
            }
            return out;
        }

        BigDecimal judgeCost() {
            return judgeCost;
        }

        boolean judged() {
            return judged;
        }
    }

    private record Judged(EvalPlan.Check check, ChatRun run, BigDecimal worst, RunBudget budget) {
    }

    /** Starts the checks of an answer to the case: the judged ones are sent, not awaited. */
    Verdicts start(EvalService.Handle h, String gridId, EvalPlan plan, EvalPlan.Case c, ResultRecord result,
                   RunBudget judgeBudget) {
        Verdicts v = new Verdicts();
        for (EvalPlan.Check check : c.checks()) {
            if (!result.succeeded()) {
                v.parts.add(new EvalChecks.Result(check.type(), check.value(), false,
                        "not checked: the request failed"));
            } else if (!EvalChecks.isJudged(check.type())) {
                v.parts.add(EvalChecks.evaluate(check, result.responseText()));
            } else if (h.cancelled()) {
                v.parts.add(new EvalChecks.Result(check.type(), check.value(), false, "not judged: cancelled"));
            } else {
                EvalPlan.Provider judge = check.judge() != null ? check.judge() : plan.judge();
                List<String> prompt = EvalChecks.judgePrompt(check, result.responseText());
                ChatRequest req = ChatRequest.builder(judge.model()).system(prompt.get(0)).user(prompt.get(1))
                        .maxTokens(judge.maxTokens() != null ? judge.maxTokens() : JUDGE_MAX_TOKENS)
                        .temperature(judge.temperature() != null ? judge.temperature() : 0.0)
                        .responseFormat(ResponseFormat.jsonSchema("verdict", EvalChecks.VERDICT_SCHEMA, true))
                        .stream(false).build();
                String pp = chat.priceProvider(judge.name(), judge.model());
                BigDecimal worst = BigDecimal.ZERO;
                if (chat.costs().entry(pp, judge.model()).isPresent()) {
                    CostCalculator.Reserve r = chat.costs().reservation(pp, judge.model(),
                            chat.estimateInput(req).tokens(), req.maxTokens(), req.enableThinking(),
                            req.thinkingBudget());
                    worst = r.usd().amount();
                }
                if (!judgeBudget.tryReserve(worst)) {
                    h.stop("budget", "the budget cannot cover the judge's requests");
                    v.parts.add(new EvalChecks.Result(check.type(), check.value(), false,
                            "not judged: the budget cannot cover the judge's request"));
                    continue;
                }
                ChatJob job = new ChatJob(GridSetup.profile(judge), setup.key(gridId, judge), req, Priority.BATCH,
                        EvalService.Options.defaults().timeouts(), false, false);
                ChatRun run = chat.start(job, null);
                h.judging(run);
                v.parts.add(new Judged(check, run, worst, judgeBudget));
            }
        }
        return v;
    }
}
