package dev.ballast.k8s.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a Java main class in its own JVM from this JVM's class path: an operator run as a separate
 * process, with its own credentials (a kubeconfig in {@code KUBECONFIG}), that a test can kill and
 * start again.
 */
public final class ChildJvm {

  private ChildJvm() {}

  /**
   * Starts {@code mainClass} with {@code args}, environment {@code env}, a 256 MB heap, its output
   * in {@code log}.
   */
  public static ManagedProcess start(
      String name,
      String mainClass,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> env,
      Path workDir,
      Path log) {
    return start(
        name,
        System.getProperty("java.class.path"),
        mainClass,
        jvmOptions,
        args,
        env,
        workDir,
        log);
  }

  /**
   * As {@link #start(String, String, List, List, Map, Path, Path)}, from class path {@code
   * classpath}.
   */
  public static ManagedProcess start(
      String name,
      String classpath,
      String mainClass,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> env,
      Path workDir,
      Path log) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-Xmx256m");
    argv.add("-XX:+UseSerialGC");
    argv.add("-XX:TieredStopAtLevel=1");
    argv.addAll(jvmOptions);
    argv.add("-cp");
    argv.add(classpath);
    argv.add(mainClass);
    argv.addAll(args);
    return ManagedProcess.start(name, argv, env, workDir, log);
  }
}
