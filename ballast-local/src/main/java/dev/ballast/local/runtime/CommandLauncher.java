package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a member from a command template: each argument's placeholders {@code {ordinal}}, {@code
 * {id}} (ordinal + 1), {@code {name}} (cluster name and ordinal), {@code {dataDir}}, {@code {host}}
 * and {@code {port:NAME}} are replaced by the member's values, {@code {peersFile}} by the peer
 * list's file (absolute). The launch settings are passed as environment variables {@code
 * BALLAST_SETTING_<KEY>}.
 */
public final class CommandLauncher implements MemberLauncher {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  private final String clusterName;
  private final List<String> template;
  private final Map<String, String> env;
  private final Path peersFile;

  public CommandLauncher(String clusterName, List<String> template, Map<String, String> env) {
    this(clusterName, template, env, null);
  }

  /** {@code peersFile}: the peer list's file, for {@code {peersFile}}; null when there is none. */
  public CommandLauncher(
      String clusterName, List<String> template, Map<String, String> env, Path peersFile) {
    this.clusterName = clusterName;
    this.template = List.copyOf(template);
    this.env = Map.copyOf(env);
    this.peersFile = peersFile == null ? null : peersFile.toAbsolutePath();
  }

  @Override
  public LaunchCommand prepare(
      Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings) {
    List<String> argv = template.stream().map(a -> fill(a, member, dataDir)).toList();
    Map<String, String> vars = new java.util.HashMap<>(env);
    launchSettings.forEach(
        (k, v) ->
            vars.put(
                "BALLAST_SETTING_"
                    + k.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"),
                v));
    vars.put("BALLAST_ORDINAL", Integer.toString(member.ordinal()));
    return new LaunchCommand(argv, vars);
  }

  String fill(String arg, Member member, Path dataDir) {
    Matcher m = PLACEHOLDER.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      String value =
          switch (key) {
            case "ordinal" -> Integer.toString(member.ordinal());
            case "id" -> Integer.toString(member.ordinal() + 1);
            case "name" -> clusterName + "-" + member.ordinal();
            case "dataDir" -> dataDir.toString();
            case "host" -> member.host();
            case "peersFile" -> peersFile == null ? m.group() : peersFile.toString();
            default ->
                key.startsWith("port:")
                    ? Integer.toString(member.port(key.substring("port:".length())))
                    : m.group();
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
