package dev.ballast.k8s.testkit.eureka;

import dev.ballast.k8s.testkit.ChildJvm;
import dev.ballast.k8s.testkit.HttpProbe;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.PodContext;
import dev.ballast.k8s.testkit.PodProcess;
import dev.ballast.k8s.testkit.PodRunner;
import dev.ballast.k8s.testkit.ProbedProcess;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a Eureka pod as a real Eureka server of Spring Cloud Netflix (the test-only module
 * ballast-eureka-testserver) in its own JVM: bound to the pod's address on the container port named
 * {@value #PORT}, known by its pod DNS name ({@code eureka.server.my-url} is {@code
 * http://<pod>.<service>.<namespace>.svc:<port>/eureka/}, so it leaves itself out of its peers),
 * resolving the pods' names through the agent's hosts file ({@code jdk.net.hosts.file}).
 *
 * <p>As a kubelet does, it writes the data of each ConfigMap volume the container mounts into the
 * pod's work folder at the mount path (a missing ConfigMap keeps the pod waiting, unless the volume
 * is {@code optional}, then the folder stays empty), and passes the container's {@code args} with
 * each mount path replaced by that folder: {@code
 * --spring.config.import=optional:file:/peers/eureka.properties} thus reads the peer list the
 * operator wrote, once, at start. Ready = {@code /actuator/health} answers UP.
 */
public final class EurekaPodRunner implements PodRunner {

  /** The container port Eureka serves on. */
  public static final String PORT = "http";

  private static final String MAIN = "dev.ballast.testservers.eureka.EurekaServerMain";

  private final Path serverBuild;

  /**
   * Runs pods whose first container's image names eureka, with the server built in {@code
   * serverBuild} (ballast-eureka-testserver's {@code target}: its classes and the class path file
   * {@code eureka-server.classpath}).
   */
  public EurekaPodRunner(Path serverBuild) {
    this.serverBuild = serverBuild;
  }

  @Override
  public boolean runs(Pod pod) {
    return pod.getSpec().getContainers().get(0).getImage().contains("eureka");
  }

  @Override
  public void requireUsable() {
    if (!Files.isRegularFile(serverBuild.resolve("eureka-server.classpath"))) {
      throw new IllegalStateException(
          "no "
              + serverBuild.resolve("eureka-server.classpath")
              + "; build ballast-eureka-testserver first (it is in the reactor of this test)");
    }
  }

  @Override
  public PodProcess start(PodContext ctx) throws Exception {
    requireUsable();
    String classpath =
        serverBuild.resolve("classes").toAbsolutePath()
            + File.pathSeparator
            + Files.readString(serverBuild.resolve("eureka-server.classpath")).strip();
    int port = ctx.requiredPort(PORT);
    String self = ctx.dnsName(ctx.name());
    List<String> args = new ArrayList<>();
    args.add("--server.address=" + ctx.ip());
    args.add("--server.port=" + port);
    args.add("--spring.application.name=eureka");
    args.add("--eureka.instance.hostname=" + self);
    args.add("--eureka.instance.ip-address=" + ctx.ip());
    args.add("--eureka.instance.instance-id=" + self + ":" + port);
    args.add("--eureka.server.my-url=http://" + self + ":" + port + "/eureka/");
    args.add("--eureka.server.peer-node-read-timeout-ms=5000");
    args.add("--eureka.server.wait-time-in-ms-when-sync-empty=0");
    // No self-registration: peers come from the configuration, and the registration's replicator
    // makes every stop wait 3 s for its thread pool (DiscoveryClient's shutdown).
    args.add("--eureka.client.register-with-eureka=false");
    args.add("--spring.main.banner-mode=off");
    args.addAll(containerArgs(ctx));
    ManagedProcess process =
        ChildJvm.start(
            "eureka " + ctx.namespace() + "/" + ctx.name(),
            classpath,
            MAIN,
            List.of(
                "-Djdk.net.hosts.file=" + ctx.hostsFile().toAbsolutePath(),
                "-Dsun.net.inetaddr.ttl=0",
                "-Dsun.net.inetaddr.negative.ttl=0"),
            args,
            ctx.env(),
            ctx.workDir(),
            ctx.workDir().resolve("eureka.log"));
    String health = "http://" + ctx.ip() + ":" + port + "/actuator/health";
    return new ProbedProcess(
        process,
        () ->
            HttpProbe.ok(health, "\"UP\"")
                ? Optional.empty()
                : Optional.of("Eureka is not healthy (" + health + ")"));
  }

  /** The container's args, its ConfigMap volumes written to the work folder and mapped there. */
  private static List<String> containerArgs(PodContext ctx) throws IOException {
    List<String> args =
        new ArrayList<>(Optional.ofNullable(ctx.container().getArgs()).orElse(List.of()));
    List<Volume> volumes = Optional.ofNullable(ctx.pod().getSpec().getVolumes()).orElse(List.of());
    for (VolumeMount m :
        Optional.ofNullable(ctx.container().getVolumeMounts()).orElse(List.<VolumeMount>of())) {
      Optional<Volume> v =
          volumes.stream()
              .filter(x -> x.getName().equals(m.getName()) && x.getConfigMap() != null)
              .findFirst();
      if (v.isEmpty()) {
        continue;
      }
      String cm = v.get().getConfigMap().getName();
      Optional<Map<String, String>> data = ctx.configMap(cm);
      if (data.isEmpty() && !Boolean.TRUE.equals(v.get().getConfigMap().getOptional())) {
        throw new IllegalStateException("configmap \"" + cm + "\" not found");
      }
      Path dir = ctx.workDir().resolve("mounts" + m.getMountPath()).toAbsolutePath();
      Files.createDirectories(dir);
      try (var old = Files.list(dir)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      for (Map.Entry<String, String> e : data.orElse(Map.of()).entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
      args.replaceAll(a -> a.replace(m.getMountPath(), dir.toString()));
    }
    return args;
  }
}
