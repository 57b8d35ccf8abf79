package dev.spectra.optim.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spectra-bench}: one command per experiment of the paper (and our speed targets). Each
 * writes a CSV of its series and a PNG plot into {@code --out} and prints one JSON object with the
 * headline numbers, machine and thread settings as the last line of stdout.
 */
@Command(name = "spectra-bench", mixinStandardHelpOptions = true, version = "spectra-bench 0.1",
        description = "Reproduces the spectral-factorized optimizer's experiments and benchmarks the baselines.",
        subcommands = {
                FixedPointFullCommand.class,
                FixedPointKronCommand.class,
                SpdCommand.class,
                GradientFreeCommand.class,
                StepCostCommand.class,
                TrainCommand.class,
                CommandLine.HelpCommand.class})
public final class SpectraBench implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand");
    }

    /** The command line, for in-process use (tests) as well as {@link #main}. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SpectraBench());
        // A bad option value or input is a one-line error naming it, not a stack trace.
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
                commandLine.getErr().println("spectra-bench " + commandLine.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
