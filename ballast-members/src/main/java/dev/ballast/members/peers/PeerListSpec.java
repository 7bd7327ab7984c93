package dev.ballast.members.peers;

import dev.ballast.members.hooks.Hook;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A peer list for applications that find their peers in a file (Nacos {@code cluster.conf}, Eureka
 * {@code defaultZone}): on every change of the member list, {@code file} is rewritten as {@code
 * header}, one {@code member} line per member joined by {@code separator}, and {@code footer};
 * {@code header} and {@code footer} may hold {@code {version}} (raised on every change) and {@code
 * {count}}; {@code member} holds the member's {@code {host}}, {@code {port:NAME}}, {@code
 * {ordinal}}, {@code {id}}. {@code reload} hooks then run once per member (with its values, {@code
 * {version}} and {@code {file}}), so that each re-reads the list.
 */
public record PeerListSpec(
    Path file, String header, String member, String separator, String footer, List<Hook> reload) {
  public PeerListSpec {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(member, "member");
    header = header == null ? "" : header;
    separator = separator == null ? "\n" : separator;
    footer = footer == null ? "" : footer;
    reload = List.copyOf(reload);
  }

  /** How the list is written, without where. */
  public PeerListTemplate template() {
    return new PeerListTemplate(header, member, separator, footer);
  }
}
