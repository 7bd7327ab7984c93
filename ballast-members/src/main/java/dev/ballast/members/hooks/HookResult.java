package dev.ballast.members.hooks;

import java.util.Map;

/**
 * What one hook did: {@code passed} when it answered (2xx, exit 0) and its condition held; {@code
 * summary} is one line for the stage record (request or command, status or exit code, the
 * condition's value, the answer's tail), with any bearer token removed; {@code captured} are the
 * values it read for later hooks; {@code answer} is the whole answer (body or output).
 */
public record HookResult(
    boolean passed, String summary, Map<String, String> captured, String answer) {
  public HookResult {
    captured = Map.copyOf(captured);
    answer = answer == null ? "" : answer;
  }
}
