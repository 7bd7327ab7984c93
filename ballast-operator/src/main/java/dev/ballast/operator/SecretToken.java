package dev.ballast.operator;

import dev.ballast.core.port.MembershipException;
import dev.ballast.members.hooks.HookRunner;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The bearer token of HTTP hooks, read from a key of a Secret at each call (so a rotated token is
 * used at once). The token is never logged: a failure names the Secret and the key only. Needs
 * {@code get} on Secrets in the namespace (deploy/enable-prometheus-token.yaml grants it).
 */
public final class SecretToken implements HookRunner.TokenSource {
  private final KubernetesClient client;
  private final String namespace;
  private final SecretKeySelector selector;

  public SecretToken(KubernetesClient client, String namespace, SecretKeySelector selector) {
    this.client = client;
    this.namespace = namespace;
    this.selector = selector;
  }

  @Override
  public Optional<String> token() {
    String where = "Secret " + namespace + "/" + selector.getName() + " key " + selector.getKey();
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(selector.getName()).get();
    } catch (KubernetesClientException e) {
      throw new MembershipException(
          "cannot read the hooks' bearer token from " + where + " (HTTP " + e.getCode() + ")");
    }
    String data =
        secret == null || secret.getData() == null ? null : secret.getData().get(selector.getKey());
    if (data == null) {
      if (Boolean.TRUE.equals(selector.getOptional())) {
        return Optional.empty();
      }
      throw new MembershipException(
          "the hooks' bearer token is missing: no " + where + "; create it or fix the reference");
    }
    String token;
    try {
      token = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8).trim();
    } catch (IllegalArgumentException e) {
      throw new MembershipException("the hooks' bearer token in " + where + " is not base64");
    }
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
