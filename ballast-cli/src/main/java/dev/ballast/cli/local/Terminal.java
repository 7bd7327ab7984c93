package dev.ballast.cli.local;

import java.io.Console;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where the progress output goes: an interactive terminal that can redraw a status line in place
 * ({@code interactive}, {@code columns} wide), or anything else (a pipe, a file, CI), which gets
 * plain lines only; {@code unicode} when the output encoding has arrows and the spinner's dots.
 */
record Terminal(boolean interactive, int columns, boolean unicode) {
  /** Plain lines only: no status line, no carriage returns, no escape codes. */
  static final Terminal PLAIN = new Terminal(false, 0, defaultIsUnicode());

  static final int DEFAULT_COLUMNS = 80;

  /** This process's standard output, as {@link #detect(boolean, Map)} judges it. */
  static Terminal detect() {
    Console console = System.console();
    return detect(console != null && isTerminal(console), System.getenv());
  }

  /**
   * A terminal when {@code console} (standard input and output are a terminal) and {@code TERM} is
   * not {@code dumb}; {@code COLUMNS} sets the width when the shell exports it.
   */
  static Terminal detect(boolean console, Map<String, String> env) {
    if (!console || "dumb".equals(env.get("TERM"))) {
      return PLAIN;
    }
    int columns = DEFAULT_COLUMNS;
    try {
      String c = env.get("COLUMNS");
      if (c != null && Integer.parseInt(c.trim()) >= 20) {
        columns = Integer.parseInt(c.trim());
      }
    } catch (NumberFormatException e) {
      // Keep the default width.
    }
    return new Terminal(true, columns, defaultIsUnicode());
  }

  private static boolean defaultIsUnicode() {
    return Charset.defaultCharset().equals(StandardCharsets.UTF_8);
  }

  /**
   * From Java 22 on, {@code System.console()} is not null when output is redirected; there {@code
   * Console.isTerminal()} tells. Before, a console is always a terminal.
   */
  private static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }
}
