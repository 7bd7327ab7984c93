package dev.ballast.cli.local;

import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * The {@code --no-progress} option of the commands that print a line per stage, and the printer it
 * picks: on a terminal a stage that takes a while also gets a live status line, unless turned off
 * here or with {@code TERM=dumb}.
 */
public final class ProgressOption {
  @Option(
      names = "--no-progress",
      description =
          "Plain lines only: no live status line for a long stage (it is only shown on an"
              + " interactive terminal; also off with TERM=dumb).")
  boolean noProgress;

  /** A started printer for {@code out}; close it before printing anything else to {@code out}. */
  public ProgressPrinter open(PrintWriter out, Clock clock) {
    return new ProgressPrinter(out, clock, noProgress ? Terminal.PLAIN : Terminal.detect()).start();
  }
}
