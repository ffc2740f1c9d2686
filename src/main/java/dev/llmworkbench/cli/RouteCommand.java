package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.estimate.RoutingService;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code route}: the complexity score of a prompt and the model it would go to. */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = "Score a prompt's complexity and pick the model it would be routed to.")
public class RouteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "PROMPT", arity = "1", description = "the prompt")
    String prompt;

    @Override
    public Integer call() {
        RoutingService.Route r = CliServices.routing().route(prompt, Priority.NORMAL, 1024);
        PrintWriter out = spec.commandLine().getOut();
        if (json.requested()) {
            JsonObject j = new JsonObject();
            j.addProperty("score", r.score());
            j.addProperty("level", r.level());
            j.addProperty("model", r.model());
            j.addProperty("reason", r.reason());
            out.println(Json.print(j));
        } else {
            out.printf(Locale.ROOT, "%s → %s (score %.1f)%n%s%n", r.level(), r.model(), r.score(), r.reason());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
