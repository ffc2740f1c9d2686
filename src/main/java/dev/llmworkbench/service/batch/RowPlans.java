package dev.llmworkbench.service.batch;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.Router;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.chat.ChatService;

/**
 * The one row planner ({@link ItemPlanner#plan}) for callers outside this package, such as the provider
 * batch service: a row's model, its request (never streamed here) and its worst-case reservation at the live
 * price (null when the catalogue has no price for it).
 */
public final class RowPlans {
    private final ChatService chat;
    private final ProviderProfile profile;
    private final BatchSettings settings;
    private final Router router = new Router();

    public RowPlans(ChatService chat, ProviderProfile profile, BatchSettings settings) {
        this.chat = chat;
        this.profile = profile;
        this.settings = settings;
    }

    /** A planned row. */
    public record Plan(String model, ChatRequest request, int inputTokens, String priceProvider,
                       CostCalculator.Reserve reserve) {
    }

    public Plan plan(BatchRow row, boolean stream) {
        ItemPlanner.RowPlan p = ItemPlanner.plan(chat, profile, settings, router, row, stream);
        return new Plan(p.model(), p.request(), p.estimate().tokens(), p.priceProvider(), p.reserve());
    }
}
