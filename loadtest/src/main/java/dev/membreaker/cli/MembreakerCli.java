package dev.membreaker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code membreaker} command line. {@code admin} talks to a server's BreakerAdmin service; the
 * load tool and the scenarios join it as their issues land.
 */
@Command(
    name = "membreaker",
    mixinStandardHelpOptions = true,
    version = "membreaker 0.1.0-SNAPSHOT",
    description = "Tools for servers protected by membreaker.",
    subcommands = {
      AdminCommand.class,
      dev.membreaker.load.LoadCommand.class,
      dev.membreaker.scenario.ScenarioCommand.class,
      dev.membreaker.matrix.MatrixCommand.class
    })
public final class MembreakerCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say which command: admin, load, scenario or matrix");
  }

  /**
   * The command line, with our exit codes: 0 ok, 1 refused by the server, 2 usage or unreachable.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new MembreakerCli())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              cmd.getErr().println("membreaker: " + e.getMessage());
              if (e instanceof CliException) {
                return ((CliException) e).exitCode();
              }
              return e instanceof dev.membreaker.load.LoadException
                  ? ((dev.membreaker.load.LoadException) e).exitCode()
                  : 2;
            });
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
