package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.service.chat.ChatOutcome;
import java.math.BigDecimal;

/** A batch item whose request ended, waiting for the group commit of its result ({@link BatchEngine}). */
record Finished(BatchItemRecord item, ResultRecord record, BigDecimal worst, BigDecimal cost, ChatOutcome outcome) {
}
