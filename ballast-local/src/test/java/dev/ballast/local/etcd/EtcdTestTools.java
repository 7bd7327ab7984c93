package dev.ballast.local.etcd;

import dev.ballast.members.etcd.EtcdServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** The etcd executables the tests run: built by {@code scripts/install-test-tools}. */
final class EtcdTestTools {
  private EtcdTestTools() {}

  /** The etcd server; fails with what to run when it is missing. */
  static Path etcd() {
    return require(
        EtcdServerConfig.defaultBinary(System.getenv(), System.getProperty("user.home")));
  }

  /** etcd's own command-line client, beside the server. */
  static Path etcdctl() {
    return require(etcd().resolveSibling("etcdctl"));
  }

  private static Path require(Path binary) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "no executable at " + binary + "; run scripts/install-test-tools to build it");
    }
    return binary;
  }
}
