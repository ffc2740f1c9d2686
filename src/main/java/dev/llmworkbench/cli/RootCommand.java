package dev.llmworkbench.cli;

import picocli.CommandLine.Command;

/** {@code llm-workbench COMMAND ...}: the commands of the command line. */
@Command(name = "llm-workbench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "LLM Workbench: test prompts, measure latency and estimate costs of OpenAI-compatible APIs.",
        subcommands = {ChatCommand.class, SimCommand.class, PriceCommand.class, RouteCommand.class,
                CompressCommand.class, BatchCommand.class, EstimateCommand.class, BenchCommand.class,
                HistoryCommand.class, ProfileCommand.class, EvalCommand.class})
public class RootCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
