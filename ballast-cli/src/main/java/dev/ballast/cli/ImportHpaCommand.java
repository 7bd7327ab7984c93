package dev.ballast.cli;

import dev.ballast.api.InvalidDocumentException;
import dev.ballast.crd.HpaImport;
import dev.ballast.crd.InvalidSpecException;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ballast import-hpa FILE}: an HPA manifest as the equivalent StatefulAutoscaler. */
@Command(
    name = "import-hpa",
    mixinStandardHelpOptions = true,
    description = {
      "Print the StatefulAutoscaler (ballast.dev/v1alpha1) that scales the target of an"
          + " autoscaling/v2 HorizontalPodAutoscaler manifest on the same metrics and behavior,"
          + " with the same bounds. Set allowedReplicas, membership and scaleDown yourself, then"
          + " apply it (and delete the HPA: two autoscalers must not drive one target).",
      "Example: ballast import-hpa hpa.yaml > sas.yaml"
    })
public final class ImportHpaCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The HPA manifest (YAML or JSON).")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    StatefulAutoscaler sas;
    try {
      sas = HpaImport.read(file);
    } catch (InvalidDocumentException e) {
      throw CliException.usage(e.getMessage());
    } catch (InvalidSpecException e) {
      throw CliException.usage(file + ": " + String.join("; ", e.problems()));
    }
    spec.commandLine().getOut().print(Serialization.asYaml(sas));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
