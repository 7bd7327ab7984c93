package dev.ballast.cli.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A test member that finds its peers the way a Nacos server does (FileConfigMemberLookup over
 * WatchFileCenter): it needs {@code HOME/conf/cluster.conf} at start (Nacos picks another lookup
 * without it), reads it then, and re-reads it only when a JDK {@link WatchService} on {@code
 * HOME/conf} reports an event whose file name holds {@code cluster.conf} (or an overflow). Nothing
 * asks it to reload. {@code GET /peers} answers {@code {"version": N, "peers": [...]}} (N from the
 * header's {@code version N}), {@code GET /health} 200. JDK only: it runs as its own process from
 * the test classes. Usage: {@code ConfWatchingMember PORT HOST HOME}.
 */
public final class ConfWatchingMember {
  private static final Pattern VERSION = Pattern.compile("version (\\d+)");
  private static volatile String state = "{\"version\": 0, \"peers\": []}";

  private ConfWatchingMember() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path conf = Path.of(args[2]).resolve("conf");
    Path file = conf.resolve("cluster.conf");
    if (!Files.exists(file)) {
      System.err.println("no " + file + " at start: Nacos would not look its peers up in a file");
      System.exit(1);
    }
    load(file);
    WatchService watcher = FileSystems.getDefault().newWatchService();
    conf.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    HttpServer server = HttpServer.create(new InetSocketAddress(args[1], port), 0);
    server.createContext("/peers", x -> send(x, state));
    server.createContext("/health", x -> send(x, "{\"status\": \"UP\"}"));
    server.start();
    while (true) {
      WatchKey key = watcher.take();
      List<WatchEvent<?>> events = key.pollEvents();
      key.reset();
      for (WatchEvent<?> e : events) {
        if (e.kind() == StandardWatchEventKinds.OVERFLOW
            || String.valueOf(e.context()).contains("cluster.conf")) {
          load(file);
        }
      }
    }
  }

  private static void load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return; // as Nacos: a file it cannot read leaves the members it knows
    }
    Matcher m = VERSION.matcher(text);
    int version = m.find() ? Integer.parseInt(m.group(1)) : 0;
    String peers =
        text.lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .map(l -> "\"" + l + "\"")
            .collect(Collectors.joining(", "));
    state = "{\"version\": " + version + ", \"peers\": [" + peers + "]}";
  }

  private static void send(HttpExchange x, String body) throws IOException {
    byte[] data = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, data.length);
    x.getResponseBody().write(data);
    x.close();
  }
}
