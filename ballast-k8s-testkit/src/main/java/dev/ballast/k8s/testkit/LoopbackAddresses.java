package dev.ballast.k8s.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands out loopback addresses {@code 127.0.0.N} (N from 2; 127.0.0.1 stays for the control plane)
 * to pods, one per pod name and for good: a pod re-created under the same name gets its address
 * back, as its DNS name would resolve again. Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so every address binds without set-up and nothing leaves the machine.
 */
public final class LoopbackAddresses {

  private final String prefix;
  private final Map<String, String> byPod = new LinkedHashMap<>();
  private int next = 2;

  /**
   * Addresses {@code 127.0.0.2} to {@code 127.0.0.254}; in a test JVM that the build numbers
   * (system property {@value #FORK_PROPERTY}, failsafe's fork number, when several test JVMs run
   * side by side) {@code 127.0.F.2} to {@code 127.0.F.254} instead, so that the pods of two JVMs
   * never share an address (their members bind their fixed container ports on it).
   */
  public LoopbackAddresses() {
    this(defaultPrefix(System.getProperty(FORK_PROPERTY)));
  }

  /** The system property that numbers a test JVM among those running side by side. */
  public static final String FORK_PROPERTY = "ballast.it.fork";

  static String defaultPrefix(String fork) {
    if (fork == null || fork.isBlank() || !fork.strip().matches("\\d{1,3}")) {
      return "127.0.0.";
    }
    int n = Integer.parseInt(fork.strip());
    if (n < 1 || n > 254) {
      return "127.0.0.";
    }
    return "127.0." + n + ".";
  }

  /** Addresses {@code <prefix>2} to {@code <prefix>254}; the prefix is three octets and a dot. */
  public LoopbackAddresses(String prefix) {
    if (!prefix.startsWith("127.") || prefix.chars().filter(c -> c == '.').count() != 3) {
      throw new IllegalArgumentException("prefix must look like 127.X.Y., was " + prefix);
    }
    this.prefix = prefix;
  }

  /** The address of pod {@code namespace/name}, reserved at its first request. */
  public synchronized String addressOf(String namespace, String name) {
    return byPod.computeIfAbsent(
        namespace + "/" + name,
        k -> {
          if (next > 254) {
            throw new IllegalStateException("no loopback address left under " + prefix);
          }
          return prefix + next++;
        });
  }

  /** Every reservation so far, {@code namespace/name} to address. */
  public synchronized Map<String, String> reserved() {
    return Map.copyOf(byPod);
  }
}
