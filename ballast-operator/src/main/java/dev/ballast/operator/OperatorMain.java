package dev.ballast.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the operator: {@code java -jar ballast-operator-all.jar [--namespace NS]...
 * [--lease-namespace NS] [--http-address 0.0.0.0] [--http-port 8080]}. The cluster is the standard
 * one of the Kubernetes client: in a pod, its ServiceAccount; outside, {@code KUBECONFIG} or {@code
 * ~/.kube/config}. Without {@code --lease-namespace} (or {@code POD_NAMESPACE}) there is no leader
 * election: run one replica only.
 */
public final class OperatorMain {
  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    Set<String> namespaces = new LinkedHashSet<>();
    Optional<String> lease = Optional.ofNullable(System.getenv("POD_NAMESPACE"));
    int port = 8080;
    String address = "0.0.0.0";
    String identity = Optional.ofNullable(System.getenv("POD_NAME")).orElse(hostname());
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--namespace" -> namespaces.addAll(Arrays.asList(require(a, value).split(",")));
        case "--lease-namespace" -> lease = Optional.of(require(a, value));
        case "--http-port" -> port = port(require(a, value));
        case "--http-address" -> address = require(a, value);
        case "--identity" -> identity = require(a, value);
        case "--help", "-h" -> {
          System.out.println(
              "usage: ballast-operator [--namespace NS[,NS]] [--lease-namespace NS]"
                  + " [--http-address 0.0.0.0] [--http-port 8080] [--identity NAME]");
          return;
        }
        default -> usage("unknown option " + a + "; see --help");
      }
      i++;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorWiring wiring =
        new OperatorWiring(
            client,
            new OperatorWiring.Settings(lease, namespaces, address, port, identity),
            Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  wiring.close();
                  client.close();
                  stopped.countDown();
                }));
    wiring.start();
    stopped.await();
  }

  private static String require(String option, String value) {
    if (value == null || value.startsWith("--")) {
      usage(option + " needs a value");
    }
    return value;
  }

  private static int port(String value) {
    try {
      int p = Integer.parseInt(value);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    usage("--http-port must be a port number 0..65535, was " + value);
    return -1;
  }

  private static void usage(String message) {
    System.err.println("ballast-operator: " + message);
    System.exit(2);
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "ballast-operator";
    }
  }
}
