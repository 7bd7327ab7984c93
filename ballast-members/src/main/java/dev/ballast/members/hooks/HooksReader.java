package dev.ballast.members.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.members.peers.PeerListSpec;
import dev.ballast.members.peers.PeerListTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * Reads the {@code hooks} membership section and the {@code peers} section of a local cluster file
 * or of a StatefulAutoscaler ({@link Dialect}) into a {@link HooksSpec} and a peer list, reporting
 * every problem with its field path (a placeholder no earlier hook captured, a JSONPath that cannot
 * be read, a hook that is both a request and a command, ...). Locally, relative files resolve
 * against the cluster file's directory, where commands also run; on Kubernetes the CA and the token
 * are references to a ConfigMap and a Secret (read by the operator), a hook may name the {@code
 * pod} its command runs in, and the peer list goes to a ConfigMap.
 */
public final class HooksReader {
  /** Where the section comes from, which decides the fields of {@code http}, hooks and peers. */
  public enum Dialect {
    /** A local cluster file: {@code caFile}, {@code bearerTokenFile}, a peer list {@code file}. */
    LOCAL,
    /**
     * A StatefulAutoscaler: {@code caConfigMap}, {@code bearerTokenSecret}, a hook's {@code pod}, a
     * peer list's {@code configMap}, {@code key} and {@code after}.
     */
    KUBERNETES
  }

  private static final Set<String> MEMBER_VALUES = Set.of("ordinal", "id", "host", "memberId");
  private static final java.util.regex.Pattern PLACEHOLDER =
      java.util.regex.Pattern.compile("\\{([A-Za-z][A-Za-z0-9_.:-]*)}");

  private final Path baseDir;
  private final List<String> ports;
  private final BiConsumer<String, String> problem;

  private final Dialect dialect;
  private final Function<String, Optional<Duration>> durations;

  /**
   * A reader of {@code dialect}; {@code ports} are the members' port names ({@code {port:NAME}}),
   * {@code durations} parses a duration text (empty when it is not one), {@code problem} receives
   * each problem as (field path, message).
   */
  public HooksReader(
      Dialect dialect,
      Path baseDir,
      List<String> ports,
      Function<String, Optional<Duration>> durations,
      BiConsumer<String, String> problem) {
    this.dialect = dialect;
    this.baseDir = baseDir;
    this.ports = ports;
    this.durations = durations;
    this.problem = problem;
  }

  /** The {@code hooks} membership at {@code path} ({@code node} is the membership mapping). */
  public HooksSpec read(JsonNode node, String path) {
    List<String> fields =
        new ArrayList<>(
            List.of("type", "memberId", "quorum", "http", "members", "health", "hooks"));
    if (dialect == Dialect.KUBERNETES) {
      fields.add("settings");
    }
    known(node, path, fields.toArray(String[]::new));
    String memberId = text(node, path, "memberId").orElse("{host}:{ordinal}");
    Set<String> idValues = new HashSet<>(MEMBER_VALUES_WITHOUT_ID);
    ports.forEach(p -> idValues.add("port:" + p));
    placeholders(memberId, path + ".memberId", idValues);
    HooksSpec.HttpSettings http = httpSettings(node.get("http"), path + ".http");
    Optional<HooksSpec.MembersCheck> members = Optional.empty();
    JsonNode m = node.get("members");
    if (m != null && !m.isNull()) {
      String p = path + ".members";
      if (!m.isObject()) {
        report(p, "must be a mapping with a request (http or exec) and list");
      } else {
        Optional<String> list = text(m, p, "list");
        if (list.isEmpty()) {
          report(p + ".list", "is required: the JSONPath of the members' ids, e.g. $.nodes[*].id");
        }
        Hook request = hook(m, p, "members", Set.of(), Set.of("list"), false);
        if (request != null && list.isPresent() && jsonPath(list.get(), p + ".list")) {
          members = Optional.of(new HooksSpec.MembersCheck(request, list.get()));
        }
      }
    }
    Optional<Hook> health = Optional.empty();
    JsonNode h = node.get("health");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        report(path + ".health", "must be a mapping with an http request or an exec command");
      } else {
        health = Optional.ofNullable(hook(h, path + ".health", "health", Set.of(), Set.of(), true));
      }
    }
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    JsonNode all = node.get("hooks");
    if (all != null && !all.isNull()) {
      if (!all.isObject()) {
        report(
            path + ".hooks",
            "must map stages (join, drain, drained, leave, forget, ...) to lists of hooks");
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String p = path + ".hooks." + e.getKey();
          Optional<HookPoint> point = point(e.getKey());
          if (point.isEmpty()) {
            report(p, "unknown stage; use one of " + pointNames());
            continue;
          }
          if (!e.getValue().isArray()) {
            report(p, "must be a list of hooks");
            continue;
          }
          List<Hook> list = new ArrayList<>();
          Set<String> captured = new HashSet<>();
          for (int i = 0; i < e.getValue().size(); i++) {
            JsonNode hn = e.getValue().get(i);
            String hp = p + "[" + i + "]";
            if (!hn.isObject()) {
              report(hp, "must be a mapping with http or exec");
              continue;
            }
            Hook hook = hook(hn, hp, e.getKey() + "[" + i + "]", captured, Set.of(), true);
            if (hook != null) {
              list.add(hook);
              captured.addAll(hook.capture().keySet());
            }
          }
          hooks.put(point.get(), list);
        }
      }
    }
    return new HooksSpec(memberId, http, hooks, members, health, baseDir);
  }

  /** The {@code peers} section of a cluster file: the peer list file, its template and reloads. */
  public Optional<PeerListSpec> peers(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      report(path, "must be a mapping with file, member (and header, separator, footer, reload)");
      return Optional.empty();
    }
    known(
        node,
        path,
        "file",
        "header",
        "member",
        "separator",
        "footer",
        "reload",
        "afterChange",
        "copyTo");
    int before = problems;
    Optional<String> file = text(node, path, "file");
    if (file.isEmpty()) {
      report(path + ".file", "is required: where to write the list, e.g. peers/cluster.conf");
    }
    Optional<String> copyTo = text(node, path, "copyTo");
    Set<String> copyValues = new HashSet<>(MEMBER_VALUES);
    copyValues.add("dataDir");
    ports.forEach(p -> copyValues.add("port:" + p));
    copyTo.ifPresent(c -> placeholders(c, path + ".copyTo", copyValues));
    copyTo
        .filter(c -> !c.contains("{dataDir}") && !c.contains("{ordinal}") && !c.contains("{id}"))
        .ifPresent(
            c ->
                report(
                    path + ".copyTo",
                    "is each member's own copy: name it by {dataDir} (or {ordinal}), e.g."
                        + " {dataDir}/conf/cluster.conf"));
    Optional<PeerList> list = peerList(node, path);
    if (problems != before || list.isEmpty()) {
      return Optional.empty();
    }
    PeerListTemplate t = list.get().template();
    return Optional.of(
        new PeerListSpec(
            baseDir.resolve(file.get()),
            t.header(),
            t.member(),
            t.separator(),
            t.footer(),
            list.get().reload(),
            list.get().afterChange(),
            // {dataDir} is absolute; any other path is the cluster file's folder's.
            copyTo.map(c -> c.startsWith("{dataDir}") ? c : baseDir.resolve(c).toString())));
  }

  /**
   * A peer list's template, the hooks run for each member after it changed, and what the members
   * are told ({@code afterChange}, local dialect; a StatefulAutoscaler's {@code after} is read by
   * its caller).
   */
  public record PeerList(
      PeerListTemplate template, List<Hook> reload, PeerListSpec.AfterChange afterChange) {}

  /**
   * The template and reload hooks of a peers section at {@code path} (a StatefulAutoscaler's {@code
   * spec.peers}, whose other fields its caller reads); empty when it has problems.
   */
  public Optional<PeerList> peerList(JsonNode node, String path) {
    if (dialect == Dialect.KUBERNETES) {
      known(
          node,
          path,
          "configMap",
          "key",
          "header",
          "member",
          "separator",
          "footer",
          "after",
          "reload");
    }
    int before = problems;
    Optional<String> member = text(node, path, "member");
    if (member.isEmpty()) {
      report(path + ".member", "is required: one member's entry, e.g. {host}:{port:http}");
    }
    Set<String> memberValues = new HashSet<>(MEMBER_VALUES_WITHOUT_ID);
    ports.forEach(p -> memberValues.add("port:" + p));
    member.ifPresent(m -> placeholders(m, path + ".member", memberValues));
    String header = raw(node, "header");
    String footer = raw(node, "footer");
    String separator = node.has("separator") ? raw(node, "separator") : "\n";
    placeholders(header, path + ".header", Set.of("version", "count"));
    placeholders(footer, path + ".footer", Set.of("version", "count"));
    List<Hook> reload = new ArrayList<>();
    JsonNode rn = node.get("reload");
    if (rn != null && !rn.isNull()) {
      if (!rn.isArray()) {
        report(path + ".reload", "must be a list of hooks run for each member");
      } else {
        for (int i = 0; i < rn.size(); i++) {
          JsonNode hn = rn.get(i);
          String hp = path + ".reload[" + i + "]";
          if (!hn.isObject()) {
            report(hp, "must be a mapping with http or exec");
            continue;
          }
          Hook hook =
              hook(
                  hn,
                  hp,
                  "reload[" + i + "]",
                  dialect == Dialect.LOCAL
                      ? Set.of("version", "file", "dataDir")
                      : Set.of("version", "file"),
                  Set.of(),
                  true);
          if (hook != null) {
            reload.add(hook);
          }
        }
      }
    }
    PeerListSpec.AfterChange afterChange = afterChange(node, path + ".afterChange");
    if (afterChange != PeerListSpec.AfterChange.RELOAD && !reload.isEmpty()) {
      report(
          path + ".reload",
          "runs only with afterChange: Reload; remove it, or set afterChange: Reload");
    }
    if (problems != before) {
      return Optional.empty();
    }
    return Optional.of(
        new PeerList(
            new PeerListTemplate(
                unescape(header), member.get(), unescape(separator), unescape(footer)),
            reload,
            afterChange));
  }

  /** {@code afterChange}: Reload (the default), Restart or None. */
  private PeerListSpec.AfterChange afterChange(JsonNode node, String path) {
    JsonNode v = node.get("afterChange");
    if (v == null || v.isNull()) {
      return PeerListSpec.AfterChange.RELOAD;
    }
    for (PeerListSpec.AfterChange c : PeerListSpec.AfterChange.values()) {
      if (v.isTextual() && c.name().equalsIgnoreCase(v.asText())) {
        return c;
      }
    }
    report(
        path,
        "must be Reload (run the reload hooks), Restart (restart the members one at a time) or"
            + " None");
    return PeerListSpec.AfterChange.RELOAD;
  }

  private static String raw(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** YAML block scalars carry real newlines; a plain "\n" in a quoted-less scalar is one too. */
  private static String unescape(String text) {
    return text.replace("\\n", "\n");
  }

  private static final Set<String> MEMBER_VALUES_WITHOUT_ID = Set.of("ordinal", "id", "host");

  private HooksSpec.HttpSettings httpSettings(JsonNode node, String path) {
    HooksSpec.HttpSettings defaults = HooksSpec.HttpSettings.defaults();
    if (node == null || node.isNull()) {
      return defaults;
    }
    if (!node.isObject()) {
      report(path, "must be a mapping (caFile, bearerTokenFile, connectTimeout)");
      return defaults;
    }
    if (dialect == Dialect.KUBERNETES) {
      // The ConfigMap and Secret references are the operator's to read; the schema checks them.
      known(node, path, "caConfigMap", "bearerTokenSecret", "connectTimeout");
      return new HooksSpec.HttpSettings(
          Optional.empty(),
          Optional.empty(),
          duration(node, path, "connectTimeout").orElse(defaults.connectTimeout()));
    }
    known(node, path, "caFile", "bearerTokenFile", "connectTimeout");
    Optional<Path> ca = text(node, path, "caFile").map(baseDir::resolve);
    ca.flatMap(dev.ballast.members.hooks.HookRunner::checkCaFile)
        .ifPresent(
            why ->
                report(
                    path + ".caFile", why + "; give a PEM file of the CA certificates to trust"));
    Optional<Path> token = text(node, path, "bearerTokenFile").map(baseDir::resolve);
    token
        .filter(f -> !java.nio.file.Files.isReadable(f))
        .ifPresent(
            f ->
                report(
                    path + ".bearerTokenFile",
                    "cannot read " + f.getFileName() + "; give a file holding the token"));
    Duration connect = duration(node, path, "connectTimeout").orElse(defaults.connectTimeout());
    return new HooksSpec.HttpSettings(ca, token, connect);
  }

  /**
   * One hook at {@code path}; null when it has problems. {@code captured} are the values earlier
   * hooks of the same list captured; {@code withMember} whether the member's own values exist.
   */
  private Hook hook(
      JsonNode node,
      String path,
      String name,
      Set<String> captured,
      Set<String> extraFields,
      boolean withMember) {
    List<String> fields =
        new ArrayList<>(
            List.of("name", "http", "exec", "capture", "until", "timeout", "attempts", "backoff"));
    fields.addAll(extraFields);
    if (dialect == Dialect.KUBERNETES) {
      fields.add("pod"); // where an exec hook runs: read by the operator, checked by the schema
    }
    known(node, path, fields.toArray(String[]::new));
    int before = problems;
    Set<String> allowed = new HashSet<>(captured);
    if (withMember) {
      allowed.addAll(MEMBER_VALUES);
      ports.forEach(p -> allowed.add("port:" + p));
    }
    ports.forEach(p -> allowed.add("peer.port:" + p));
    allowed.add("peer.host");
    allowed.add("peer.ordinal");
    String hookName = text(node, path, "name").orElse(name);
    JsonNode httpNode = node.get("http");
    JsonNode execNode = node.get("exec");
    Optional<Hook.HttpCall> call = Optional.empty();
    List<String> command = List.of();
    if ((httpNode == null) == (execNode == null)) {
      report(path, "needs exactly one of http (a request) or exec (a command)");
    } else if (httpNode != null) {
      if (!httpNode.isObject()) {
        report(path + ".http", "must be a mapping with url (and method, body, headers)");
      } else {
        String hp = path + ".http";
        known(httpNode, hp, "method", "url", "body", "headers");
        String method = text(httpNode, hp, "method").orElse("GET").toUpperCase(Locale.ROOT);
        if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
          report(hp + ".method", "must be GET, POST, PUT, DELETE or PATCH");
        }
        Optional<String> url = text(httpNode, hp, "url");
        if (url.isEmpty()) {
          report(hp + ".url", "is required, e.g. http://{host}:{port:http}/health");
        } else {
          placeholders(url.get(), hp + ".url", allowed);
          if (!url.get().startsWith("http://") && !url.get().startsWith("https://")) {
            report(hp + ".url", "must start with http:// or https://");
          }
        }
        String body = text(httpNode, hp, "body").orElse("");
        placeholders(body, hp + ".body", allowed);
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode hn = httpNode.get("headers");
        if (hn != null && hn.isObject()) {
          hn.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
          if (headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Authorization"))) {
            report(
                hp + ".headers",
                "must not hold Authorization; put the token in a file and name it in http.bearerTokenFile");
          }
        }
        call = Optional.of(new Hook.HttpCall(method, url.orElse("http://invalid"), body, headers));
      }
    } else {
      if (!execNode.isArray() || execNode.isEmpty()) {
        report(path + ".exec", "must be a command as a list: [program, arg, ...]");
      } else {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < execNode.size(); i++) {
          args.add(execNode.get(i).asText());
          placeholders(execNode.get(i).asText(), path + ".exec[" + i + "]", allowed);
        }
        command = args;
      }
    }
    Map<String, String> capture = new LinkedHashMap<>();
    JsonNode cn = node.get("capture");
    if (cn != null && !cn.isNull()) {
      if (!cn.isObject()) {
        report(path + ".capture", "must map names to JSONPaths, e.g. {chunkId: $.chunks[0].id}");
      } else {
        cn.fields()
            .forEachRemaining(
                e -> {
                  String cp = path + ".capture." + e.getKey();
                  if (!e.getKey().matches("[A-Za-z][A-Za-z0-9_]*")) {
                    report(cp, "a captured name is letters, digits and _ (used as {name})");
                  }
                  placeholders(e.getValue().asText(), cp, allowed);
                  if (jsonPath(fillForCheck(e.getValue().asText()), cp)) {
                    capture.put(e.getKey(), e.getValue().asText());
                  }
                });
      }
    }
    Optional<HookCondition> until = Optional.empty();
    JsonNode un = node.get("until");
    if (un != null && !un.isNull()) {
      until = condition(un, path + ".until", allowed);
    }
    Duration timeout = duration(node, path, "timeout").orElse(Hook.DEFAULT_TIMEOUT);
    int attempts = Hook.DEFAULT_ATTEMPTS;
    JsonNode an = node.get("attempts");
    if (an != null) {
      if (!an.isIntegralNumber() || an.asInt() < 1 || an.asInt() > 1000) {
        report(path + ".attempts", "must be a whole number from 1 to 1000");
      } else {
        attempts = an.asInt();
      }
    }
    Duration backoff = duration(node, path, "backoff").orElse(Hook.DEFAULT_BACKOFF);
    if (problems != before) {
      return null;
    }
    return new Hook(hookName, call, command, capture, until, timeout, attempts, backoff);
  }

  private Optional<HookCondition> condition(JsonNode node, String path, Set<String> allowed) {
    if (!node.isObject()) {
      report(path, "must be a mapping: path and one of equals, lessThan, greaterThan, length");
      return Optional.empty();
    }
    known(node, path, "path", "equals", "lessThan", "greaterThan", "length");
    Optional<String> p = text(node, path, "path");
    Map<String, HookCondition.Op> ops =
        Map.of(
            "equals", HookCondition.Op.EQUALS,
            "lessThan", HookCondition.Op.LESS_THAN,
            "greaterThan", HookCondition.Op.GREATER_THAN,
            "length", HookCondition.Op.LENGTH);
    List<String> given = ops.keySet().stream().filter(node::has).sorted().toList();
    if (p.isEmpty()) {
      report(path + ".path", "is required: a JSONPath such as $.remaining");
    }
    if (given.size() != 1) {
      report(path, "needs exactly one of equals, lessThan, greaterThan, length");
      return Optional.empty();
    }
    String key = given.get(0);
    JsonNode v = node.get(key);
    HookCondition.Op op = ops.get(key);
    if (op != HookCondition.Op.EQUALS && !v.isNumber()) {
      report(path + "." + key, "must be a number");
      return Optional.empty();
    }
    if (p.isEmpty()) {
      return Optional.empty();
    }
    placeholders(p.get(), path + ".path", allowed);
    placeholders(v.asText(), path + "." + key, allowed);
    if (!jsonPath(fillForCheck(p.get()), path + ".path")) {
      return Optional.empty();
    }
    return Optional.of(new HookCondition(p.get(), op, v.asText()));
  }

  private int problems;

  private void report(String path, String message) {
    problems++;
    problem.accept(path, message);
  }

  private void placeholders(String text, String path, Set<String> allowed) {
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      String key = m.group(1);
      if (!allowed.contains(key)) {
        report(
            path,
            "unknown placeholder {"
                + key
                + "}; use "
                + new TreeSet<>(allowed)
                + " (a value captured by an earlier hook of the same stage counts)"
                + (key.startsWith("port:")
                    ? "; a port is named where the member's ports are declared: spec.member.ports"
                        + " in a cluster file, membership.settings."
                        + key.substring(5)
                        + "Port in a StatefulAutoscaler"
                    : ""));
      }
    }
  }

  /** A JSONPath with its placeholders replaced, to check that it can be read. */
  private static String fillForCheck(String path) {
    return PLACEHOLDER.matcher(path).replaceAll("x");
  }

  private boolean jsonPath(String path, String where) {
    try {
      com.jayway.jsonpath.JsonPath.compile(path);
      return true;
    } catch (RuntimeException e) {
      report(where, "not a JSONPath (" + e.getMessage() + "), e.g. $.nodes[*].id");
      return false;
    }
  }

  private Optional<HookPoint> point(String key) {
    for (HookPoint p : HookPoint.values()) {
      if (p.name().replace("_", "").equalsIgnoreCase(key.replace("_", "").replace("-", ""))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static String pointNames() {
    List<String> names = new ArrayList<>();
    for (HookPoint p : HookPoint.values()) {
      String lower = p.name().toLowerCase(Locale.ROOT);
      names.add(lower.contains("_") ? "cancelDrain" : lower);
    }
    return String.join(", ", names);
  }

  private void known(JsonNode node, String path, String... names) {
    Set<String> allowed = Set.of(names);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        report(
            path + "." + f,
            "unknown field; expected one of " + new TreeSet<>(Arrays.asList(names)));
      }
    }
  }

  private Optional<String> text(JsonNode node, String path, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      report(path + "." + key, "must be a non-empty string");
      return Optional.empty();
    }
    return Optional.of(v.asText());
  }

  private Optional<Duration> duration(JsonNode node, String path, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    Optional<Duration> d = v.isTextual() ? durations.apply(v.asText()) : Optional.empty();
    if (d.isEmpty() || d.get().isZero()) {
      report(path + "." + key, "must be a duration longer than 0s such as 500ms, 30s or 2m");
      return Optional.empty();
    }
    return d;
  }
}
