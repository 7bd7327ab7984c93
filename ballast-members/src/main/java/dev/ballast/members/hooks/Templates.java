package dev.ballast.members.hooks;

import dev.ballast.core.port.Member;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the placeholders of hooks and peer lists: {@code {name}} from a map of values; an unknown
 * one fails.
 */
public final class Templates {
  static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_.:-]*)}");

  private Templates() {}

  /** The values that name {@code member}: ordinal, id, host, port:NAME and memberId. */
  public static Map<String, String> memberValues(Member member, String memberIdTemplate) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("ordinal", Integer.toString(member.ordinal()));
    values.put("id", Integer.toString(member.ordinal() + 1));
    values.put("host", member.host());
    member.ports().forEach((name, port) -> values.put("port:" + name, Integer.toString(port)));
    values.put("memberId", fill(memberIdTemplate, values));
    return values;
  }

  /** The values of the peer a hook is sent to: peer.host, peer.port:NAME, peer.ordinal. */
  public static Map<String, String> peerValues(Member peer) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("peer.ordinal", Integer.toString(peer.ordinal()));
    values.put("peer.host", peer.host());
    peer.ports().forEach((name, port) -> values.put("peer.port:" + name, Integer.toString(port)));
    return values;
  }

  public static String fill(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "the placeholder {"
                + m.group(1)
                + "} has no value here (known: "
                + values.keySet()
                + ")");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
