package dev.membreaker.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the membreaker command line in-process, as the tests do: exit code, stdout, stderr. */
public final class CliRunner {

  private CliRunner() {}

  /** {exit code, stdout, stderr} of one run. */
  public static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = MembreakerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new String[] {String.valueOf(exit), out.toString(), err.toString()};
  }
}
