package dev.ballast.operator;

import dev.ballast.crd.RunbookSettings.ExecTarget;
import dev.ballast.members.hooks.CommandExecutor;
import dev.ballast.members.hooks.Hook;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs exec hooks in pods through the Kubernetes exec API ({@code pods/exec}), as {@code kubectl
 * exec} does: in the member's own pod, or in the first Running pod (by name) that a hook's label
 * selector finds, such as the storage runbook's meta leader ({@code iomesh.com/meta-leader}). The
 * container is the hook's, else the pod's first. Needs {@code create} on {@code pods/exec} in the
 * namespace (deploy/enable-exec-hooks.yaml).
 */
public final class KubernetesPodExec implements CommandExecutor {
  private final KubernetesClient client;
  private final String namespace;
  private final IntFunction<String> podName;
  private final Map<String, ExecTarget> targets;

  /**
   * {@code podName} names member k's pod; {@code targets} says where each exec hook runs, by hook
   * name (a hook not named there runs in the member's pod).
   */
  public KubernetesPodExec(
      KubernetesClient client,
      String namespace,
      IntFunction<String> podName,
      Map<String, ExecTarget> targets) {
    this.client = client;
    this.namespace = namespace;
    this.podName = podName;
    this.targets = Map.copyOf(targets);
  }

  @Override
  public Outcome run(Hook hook, List<String> command, Map<String, String> values)
      throws InterruptedException {
    ExecTarget target = targets.getOrDefault(hook.name(), ExecTarget.memberPod());
    Pod pod;
    try {
      Optional<Pod> found = pod(target, values);
      if (found.isEmpty()) {
        return Outcome.cannotRun(
            target.selector().isPresent()
                ? "no Running pod matches " + target.selector().get() + " in " + namespace
                : "the member's pod does not exist",
            "");
      }
      pod = found.get();
    } catch (IllegalArgumentException e) {
      return Outcome.cannotRun(e.getMessage(), "");
    } catch (KubernetesClientException e) {
      return Outcome.cannotRun("cannot read the pod (" + e.getMessage() + ")", "");
    }
    String name = pod.getMetadata().getName();
    String container =
        target
            .container()
            .orElseGet(
                () ->
                    pod.getSpec() == null || pod.getSpec().getContainers().isEmpty()
                        ? null
                        : pod.getSpec().getContainers().get(0).getName());
    String where = "in pod " + name + (container == null ? "" : " container " + container);
    if (container == null) {
      return Outcome.cannotRun("pod " + name + " has no container", where);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(namespace)
            .withName(name)
            .inContainer(container)
            .writingOutput(out)
            .writingError(err)
            .exec(command.toArray(String[]::new))) {
      Integer exit = watch.exitCode().get(hook.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (exit == null) {
        // fabric8 completes the future with null when the stream closed before the API server
        // sent the command's status: success cannot be proven, so the hook did not pass.
        return Outcome.cannotRun(
            "the exec stream closed without the command's exit status (output: "
                + output(out, err)
                + ")",
            where);
      }
      return Outcome.exited(exit, output(out, err), where);
    } catch (TimeoutException e) {
      return Outcome.timedOut(output(out, err), where);
    } catch (ExecutionException | KubernetesClientException e) {
      return Outcome.cannotRun("the exec API refused or broke (" + refusal(e) + ")", where);
    }
  }

  /**
   * What the API server answered when it refused the exec (its HTTP status; for 403 which file
   * grants it), else the error's message.
   */
  static String refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WebSocketHandshakeException h && h.getResponse() != null) {
        int code = h.getResponse().code();
        return "HTTP "
            + code
            + (code == 403
                ? " Forbidden: the operator may not create pods/exec in this namespace; apply"
                    + " deploy/enable-exec-hooks.yaml here"
                : "");
      }
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return "HTTP " + k.getCode() + ": " + k.getMessage();
      }
    }
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getMessage();
  }

  private Optional<Pod> pod(ExecTarget target, Map<String, String> values) {
    if (target.selector().isPresent()) {
      return client
          .pods()
          .inNamespace(namespace)
          .withLabelSelector(target.selector().get())
          .list()
          .getItems()
          .stream()
          .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
          .min(Comparator.comparing(p -> p.getMetadata().getName()));
    }
    String ordinal = values.get("ordinal");
    if (ordinal == null) {
      throw new IllegalArgumentException(
          "this hook concerns no member: give it pod.selector to say where it runs");
    }
    return Optional.ofNullable(
        client
            .pods()
            .inNamespace(namespace)
            .withName(podName.apply(Integer.parseInt(ordinal)))
            .get());
  }

  private static String output(ByteArrayOutputStream out, ByteArrayOutputStream err) {
    String o = out.toString(StandardCharsets.UTF_8);
    String e = err.toString(StandardCharsets.UTF_8);
    return e.isEmpty() ? o : o.isEmpty() ? e : o + "\n" + e;
  }
}
