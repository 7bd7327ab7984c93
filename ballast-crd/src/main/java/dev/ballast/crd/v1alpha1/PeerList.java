package dev.ballast.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * {@code spec.peers}: the member list rendered into a ConfigMap key on every membership change,
 * with a version (Nacos {@code cluster.conf}, Eureka {@code defaultZone}), the same template model
 * as a local cluster file's peer list; then optionally a rolling restart or reload hooks.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.after) || self.after != 'Reload' || (has(self.reload) && size(self.reload) > 0)",
    message = "after: Reload needs reload hooks",
    fieldPath = ".reload")
@ValidationRule(
    value = "!has(self.reload) || (has(self.after) && self.after == 'Reload')",
    message = "reload hooks run only with after: Reload",
    fieldPath = ".after")
public class PeerList {
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription("The ConfigMap to write (default <target>-peers), in this namespace.")
  public String configMap;

  @Required
  @Pattern("^[-._a-zA-Z0-9]+$")
  @Size(max = 253)
  @JsonPropertyDescription("The key the list is written to, e.g. cluster.conf.")
  public String key;

  @JsonPropertyDescription("Written before the members; may hold {version} and {count}.")
  public String header;

  @Required
  @JsonPropertyDescription("One member's entry, e.g. {host}:{port:http}; also {ordinal}, {id}.")
  public String member;

  @JsonPropertyDescription("Between two entries (default a line break).")
  public String separator;

  @JsonPropertyDescription("Written after the members; may hold {version} and {count}.")
  public String footer;

  @JsonPropertyDescription(
      "What follows a change: None (default: the members watch the ConfigMap), RollingRestart"
          + " (delete the pods one at a time, each Ready again before the next) or Reload (the"
          + " reload hooks, once per member).")
  public After after;

  @Size(max = 16)
  @JsonPropertyDescription("Hooks run for each member after a change ({version}, {file} = key).")
  public List<Hooks.Hook> reload;

  /** What follows a new version of the list. */
  public enum After {
    None,
    RollingRestart,
    Reload
  }
}
