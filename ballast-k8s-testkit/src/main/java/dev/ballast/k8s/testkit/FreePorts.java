package dev.ballast.k8s.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Ports free on the loopback interface, each handed out once per JVM. */
public final class FreePorts {

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /**
   * A port that was free on 127.0.0.1 a moment ago and that this JVM has not handed out before (so
   * that two servers of one test never get the same port).
   */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free port on the loopback interface", e);
      }
    }
    throw new IllegalStateException("no fresh free port on the loopback interface");
  }
}
