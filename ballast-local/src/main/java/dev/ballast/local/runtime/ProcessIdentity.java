package dev.ballast.local.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process as Linux's {@code /proc/<pid>/stat} describes it: its pid, the time it started (clock
 * ticks since boot, which tells a process apart from a later one that reuses the pid), its session
 * and its state letter ({@code Z} for a zombie that has exited but not been reaped).
 */
public record ProcessIdentity(long pid, long startTicks, long session, char state) {

  /** The process with this pid now, or empty when there is none. */
  public static Optional<ProcessIdentity> of(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    return parse(pid, stat);
  }

  /** Parses the text of {@code /proc/<pid>/stat}; the command name may hold spaces and ')'. */
  static Optional<ProcessIdentity> parse(long pid, String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    // Fields after "pid (comm) ": state(3) ppid(4) pgrp(5) session(6) ... starttime(22).
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    if (f.length < 20) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ProcessIdentity(pid, Long.parseLong(f[19]), Long.parseLong(f[3]), f[0].charAt(0)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether the process still runs (exists and is neither a zombie nor dead). */
  public boolean alive() {
    return state != 'Z' && state != 'X' && state != 'x';
  }

  /** Whether {@code pid} names a live process that started at {@code startTicks}. */
  public static boolean isAlive(long pid, long startTicks) {
    return of(pid).filter(p -> p.startTicks() == startTicks && p.alive()).isPresent();
  }
}
