package dev.ballast.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest (set by the build), "dev" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = BallastCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "ballast " + (v == null ? "dev" : v),
      "JVM: ${java.version} (${java.vendor} ${java.vm.name} ${java.vm.version})"
    };
  }
}
