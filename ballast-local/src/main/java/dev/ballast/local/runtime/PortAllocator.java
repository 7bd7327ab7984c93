package dev.ballast.local.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.Set;

/**
 * Picks free TCP ports for new members: a random port below Linux's ephemeral range (so that an
 * outgoing connection cannot take it before the member binds), not already reserved, and bindable
 * on the member's host right now.
 */
final class PortAllocator {
  static final int LOW = 20_000;
  static final int HIGH = 32_000;
  private static final int ATTEMPTS = 500;

  private final Random random;

  PortAllocator(Random random) {
    this.random = random;
  }

  int allocate(String host, Set<Integer> reserved) {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = LOW + random.nextInt(HIGH - LOW);
      if (!reserved.contains(port) && bindable(host, port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port found on " + host + " between " + LOW + " and " + HIGH);
  }

  static boolean bindable(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
