package dev.ballast.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.List;
import java.util.Map;

/**
 * The StatefulAutoscaler's hooks ({@code membership.type: Hooks}, {@code peers.reload}): the same
 * model as a local cluster file's hooks (HTTP requests and commands per stage, a membership check,
 * a health hook), with the CA and the bearer token taken from a ConfigMap and a Secret, and an exec
 * hook run in a pod (the member's own, or the one a label selector finds) through the Kubernetes
 * exec API.
 */
public final class Hooks {
  private Hooks() {}

  static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

  /** Settings of every HTTP hook. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HttpSettings {
    @JsonPropertyDescription(
        "A key of a Secret in this namespace holding a bearer token, read at each call and sent"
            + " only in the Authorization header (never logged or recorded).")
    public SecretKeySelector bearerTokenSecret;

    @JsonPropertyDescription(
        "A key of a ConfigMap in this namespace holding the PEM certificates of the authorities"
            + " to trust for https:// hooks.")
    public ConfigMapKeySelector caConfigMap;

    @Pattern(DURATION)
    @JsonPropertyDescription("How long a connection may take (default 5s).")
    public String connectTimeout;
  }

  /** An HTTP request template. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HttpCall {
    @JsonPropertyDescription("GET (default), POST, PUT, DELETE or PATCH.")
    public Method method;

    @Required
    @Pattern("^https?://.+")
    @JsonPropertyDescription("The URL, e.g. http://{host}:{port:api}/cluster/nodes/{memberId}.")
    public String url;

    @JsonPropertyDescription("A JSON body template (sent as application/json).")
    public String body;

    @JsonPropertyDescription("Extra headers (no Authorization: use http.bearerTokenSecret).")
    public Map<String, String> headers;
  }

  /** The HTTP methods a hook may use. */
  public enum Method {
    GET,
    POST,
    PUT,
    DELETE,
    PATCH
  }

  /** Where an exec hook's command runs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ExecPod {
    @Size(max = 256)
    @JsonPropertyDescription(
        "A label selector of the pod to run in, e.g. iomesh.com/meta-leader (the first Running"
            + " pod it finds, by name); unset: the member's own pod.")
    public String selector;

    @Size(max = 63)
    @JsonPropertyDescription("The container to run in (default: the pod's first container).")
    public String container;
  }

  /** A condition on a hook's JSON answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(has(self.equals) ? 1 : 0) + (has(self.lessThan) ? 1 : 0)"
              + " + (has(self.greaterThan) ? 1 : 0) + (has(self.length) ? 1 : 0) == 1",
      message = "set exactly one of equals, lessThan, greaterThan, length")
  public static class Condition {
    @Required
    @JsonPropertyDescription("A JSONPath into the answer, e.g. $.remaining.")
    public String path;

    public String equals;
    public Double lessThan;
    public Double greaterThan;

    @Min(0)
    public Integer length;
  }

  /** One hook: an HTTP request or a command, with what to read from its answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.http) != has(self.exec)",
      message = "set exactly one of http (a request) or exec (a command)")
  @ValidationRule(
      value = "!has(self.pod) || has(self.exec)",
      message = "pod says where an exec hook runs; set exec or remove pod",
      fieldPath = ".pod")
  public static class Hook {
    @Size(max = 63)
    @JsonPropertyDescription("A name for records (default: the stage and index, e.g. drain[0]).")
    public String name;

    public HttpCall http;

    @Size(min = 1, max = 64)
    @JsonPropertyDescription(
        "A command as a list ([program, arg, ...]), run through the exec API in the pod that"
            + " 'pod' names (default: the member's own pod).")
    public List<String> exec;

    public ExecPod pod;

    @JsonPropertyDescription(
        "Values to read from the JSON answer (name to JSONPath), usable as {name} by the next"
            + " hooks of the same stage.")
    public Map<String, String> capture;

    @JsonPropertyDescription(
        "A condition on the JSON answer: an action hook is retried until it holds, a polled hook"
            + " (drained, rebalanced) reports not yet.")
    public Condition until;

    @Pattern(DURATION)
    @JsonPropertyDescription("The bound of one call (default 5s).")
    public String timeout;

    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("Tries of a call that fails for a transient reason (default 3).")
    public Integer attempts;

    @Pattern(DURATION)
    @JsonPropertyDescription("The wait before the second try, doubled before each next (200ms).")
    public String backoff;
  }

  /** The membership check: a hook whose JSON answer lists the members' ids. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MembersCheck extends Hook {
    @Required
    @JsonPropertyDescription("The JSONPath of the members' ids in the answer, e.g. $.nodes[*].id.")
    public String list;
  }

  /** The hooks run at each stage of a step, in order, for the member concerned. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Stages {
    @Size(max = 16)
    public List<Hook> announce;

    @Size(max = 16)
    public List<Hook> join;

    @Size(max = 16)
    public List<Hook> rebalance;

    @Size(max = 16)
    @JsonPropertyDescription("Polled until its last hook's condition holds.")
    public List<Hook> rebalanced;

    @Size(max = 16)
    public List<Hook> drain;

    @Size(max = 16)
    @JsonPropertyDescription("Polled until its last hook's condition holds.")
    public List<Hook> drained;

    @Size(max = 16)
    public List<Hook> cancelDrain;

    @Size(max = 16)
    public List<Hook> leave;

    @Size(max = 16)
    @JsonPropertyDescription("Run at CLEANUP, once the member's pod is gone.")
    public List<Hook> forget;
  }
}
