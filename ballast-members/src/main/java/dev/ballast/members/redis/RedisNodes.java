package dev.ballast.members.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The answer of {@code CLUSTER NODES} as one node sees the cluster: every node with its flags and
 * slots, and for the node asked ({@code myself}) the slots it is migrating or importing.
 */
record RedisNodes(List<Node> all) {

  /**
   * One line of {@code CLUSTER NODES}. {@code configEpoch} is the epoch of the node's claim on its
   * slots (a higher one wins when two nodes claim a slot). {@code openSlots} maps a slot to {@code
   * ">id"} (migrating to that node) or {@code "<id"} (importing from it); Redis shows them only on
   * its own line.
   */
  record Node(
      String id,
      String address,
      Set<String> flags,
      long configEpoch,
      Set<Integer> slots,
      Map<Integer, String> openSlots) {

    boolean myself() {
      return flags.contains("myself");
    }

    boolean replica() {
      return flags.contains("slave") || flags.contains("replica");
    }

    boolean handshake() {
      return flags.contains("handshake") || flags.contains("noaddr");
    }

    int slotCount() {
      return slots.size();
    }
  }

  static RedisNodes parse(String text) {
    List<Node> nodes = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 8) {
        continue;
      }
      Set<String> flags = Set.of(f[2].split(","));
      Set<Integer> slots = new TreeSet<>();
      Map<Integer, String> open = new TreeMap<>();
      for (int i = 8; i < f.length; i++) {
        String s = f[i];
        if (s.startsWith("[")) {
          String body = s.substring(1, s.length() - 1);
          int arrow = body.indexOf("->-");
          if (arrow > 0) {
            open.put(Integer.parseInt(body.substring(0, arrow)), ">" + body.substring(arrow + 3));
          } else {
            int back = body.indexOf("-<-");
            open.put(Integer.parseInt(body.substring(0, back)), "<" + body.substring(back + 3));
          }
        } else if (s.contains("-")) {
          int dash = s.indexOf('-');
          int lo = Integer.parseInt(s.substring(0, dash));
          int hi = Integer.parseInt(s.substring(dash + 1));
          for (int slot = lo; slot <= hi; slot++) {
            slots.add(slot);
          }
        } else if (!s.isEmpty()) {
          slots.add(Integer.parseInt(s));
        }
      }
      nodes.add(new Node(f[0], f[1], flags, Long.parseLong(f[6]), slots, open));
    }
    return new RedisNodes(List.copyOf(nodes));
  }

  Node myself() {
    return all.stream()
        .filter(Node::myself)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("CLUSTER NODES lists no 'myself' line"));
  }

  /** The master this node sees owning {@code slot}, if any. */
  Optional<Node> ownerOf(int slot) {
    return all.stream().filter(n -> !n.replica() && n.slots().contains(slot)).findFirst();
  }

  Optional<Node> byId(String id) {
    return all.stream().filter(n -> n.id().equals(id)).findFirst();
  }

  /** The masters and their slots, comparable between nodes: "id:slots" sorted. */
  String signature() {
    return all.stream()
        .filter(n -> !n.replica() && !n.handshake())
        .map(n -> n.id() + ":" + ranges(n.slots()))
        .sorted()
        .collect(Collectors.joining(","));
  }

  private static String ranges(Set<Integer> slots) {
    return Integer.toString(slots.hashCode()) + "/" + slots.size();
  }
}
