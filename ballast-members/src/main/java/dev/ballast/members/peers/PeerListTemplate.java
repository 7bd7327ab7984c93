package dev.ballast.members.peers;

import dev.ballast.core.port.Member;
import dev.ballast.members.hooks.Templates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a peer list is written, shared by the local file ({@link PeerListPublisher}) and the
 * operator's ConfigMap: {@code header}, one {@code member} entry per member joined by {@code
 * separator}, and {@code footer}. {@code header} and {@code footer} may hold {@code {version}} and
 * {@code {count}}; {@code member} holds the member's {@code {host}}, {@code {port:NAME}}, {@code
 * {ordinal}}, {@code {id}}.
 */
public record PeerListTemplate(String header, String member, String separator, String footer) {
  public PeerListTemplate {
    Objects.requireNonNull(member, "member");
    header = header == null ? "" : header;
    separator = separator == null ? "\n" : separator;
    footer = footer == null ? "" : footer;
  }

  /** The list of {@code members} at {@code version} (a number, or a placeholder to compare). */
  public String render(List<Member> members, String version) {
    List<String> lines = new ArrayList<>();
    for (Member m : members) {
      lines.add(Templates.fill(member, Templates.memberValues(m, "{ordinal}")));
    }
    Map<String, String> whole =
        Map.of("version", version, "count", Integer.toString(members.size()));
    return Templates.fill(header, whole)
        + String.join(separator, lines)
        + Templates.fill(footer, whole);
  }
}
