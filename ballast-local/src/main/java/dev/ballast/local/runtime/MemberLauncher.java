package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Knows how to start one kind of local member: writes the files it needs under its directory and
 * returns its command line. {@code launchSettings} come from the membership adapter's announce (for
 * example ZooKeeper's dynamic configuration) or from the initial ensemble at {@code ballast up}.
 */
public interface MemberLauncher {

  /**
   * Prepares the files of {@code member} and returns how to start it. {@code memberDir} holds its
   * configuration and log; {@code dataDir} (inside it) its data. Called before every start, so it
   * must be idempotent.
   */
  LaunchCommand prepare(
      Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings)
      throws IOException;
}
