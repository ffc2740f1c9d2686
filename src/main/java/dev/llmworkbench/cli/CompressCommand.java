package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import dev.llmworkbench.service.estimate.QuoteService;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code compress}: a prompt without polite filler, folded white space and runs of repeated characters. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Shorten a prompt (filler, white space, repeated characters) without touching code or quotes.")
public class CompressCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "PROMPT", arity = "1", description = "the prompt")
    String prompt;

    @Override
    public Integer call() {
        QuoteService.Compression r = CliServices.quotes().compress(prompt);
        PrintWriter out = spec.commandLine().getOut();
        if (json.requested()) {
            JsonObject j = new JsonObject();
            j.addProperty("text", r.text());
            j.addProperty("tokens_before", r.tokensBefore());
            j.addProperty("tokens_after", r.tokensAfter());
            out.println(Json.print(j));
        } else {
            out.println(r.text());
            spec.commandLine().getErr().printf("tokens: %d → %d%n", r.tokensBefore(), r.tokensAfter());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
