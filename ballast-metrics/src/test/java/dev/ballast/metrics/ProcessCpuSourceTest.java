package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuSourceTest {
  private static final List<Member> MEMBERS =
      List.of(
          new Member(0, "127.0.0.1", Map.of("client", 2181)),
          new Member(1, "127.0.0.1", Map.of("client", 2182)));

  @TempDir Path proc;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<Integer, Long> pids = new HashMap<>();

  private ProcessCpuSource source() {
    return new ProcessCpuSource(
        o -> pids.containsKey(o) ? OptionalLong.of(pids.get(o)) : OptionalLong.empty(),
        proc,
        100,
        clock);
  }

  @Test
  void readsUserPlusSystemTicksAfterACommandNameWithSpacesAndParentheses() {
    // given: a stat line whose command name holds ") (" itself
    String stat = stat(4242, "java (zk) x", 1500, 250);

    // when / then
    assertThat(ProcessCpuSource.parseCpuTicks(stat)).isEqualTo(1750);
  }

  @Test
  void measuresCoresAsCpuSecondsPerWallSecond() throws Exception {
    // given
    pids.put(0, 100L);
    pids.put(1, 200L);
    writeStat(100, 1000, 0);
    writeStat(200, 500, 500);
    ProcessCpuSource source = source();
    MetricSample first = source.read("cpu", MEMBERS);

    // when: member 0 used 15 s of CPU and member 1 used 3 s over 10 s
    clock.advance(Duration.ofSeconds(10));
    writeStat(100, 2000, 500);
    writeStat(200, 600, 700);
    MetricSample second = source.read("cpu", MEMBERS);

    // then
    assertThat(first.byOrdinal()).isEmpty();
    assertThat(second.byOrdinal()).isEqualTo(Map.of(0, 1.5, 1, 0.3));
  }

  @Test
  void startsAfreshWhenAMemberRunsAsANewProcess() throws Exception {
    // given
    pids.put(0, 100L);
    writeStat(100, 90_000, 0);
    ProcessCpuSource source = source();
    source.read("cpu", MEMBERS);

    // when: the member restarted as pid 300
    clock.advance(Duration.ofSeconds(10));
    pids.put(0, 300L);
    writeStat(300, 100, 0);
    MetricSample afterRestart = source.read("cpu", MEMBERS);

    // then: no rate across two different processes
    assertThat(afterRestart.byOrdinal()).isEmpty();
  }

  @Test
  void leavesOutMembersWithoutAProcess() throws Exception {
    // given: member 0 has no pid, member 1's process is gone
    pids.put(1, 999L);

    // when
    MetricSample sample = source().read("cpu", MEMBERS);

    // then
    assertThat(sample.byOrdinal()).isEmpty();
  }

  @Test
  void answersOnlyTheCpuMetric() {
    assertThatThrownBy(() -> source().read("memory", MEMBERS))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("only answers 'cpu'");
  }

  private void writeStat(long pid, long utime, long stime) throws Exception {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("stat"), stat(pid, "java", utime, stime));
  }

  /** A /proc/<pid>/stat line with the layout of Linux 6.x (52 fields). */
  private static String stat(long pid, String comm, long utime, long stime) {
    StringBuilder s = new StringBuilder();
    s.append(pid).append(" (").append(comm).append(") S 1 ").append(pid).append(' ').append(pid);
    s.append(" 0 -1 4194560 25000 0 0 0 ").append(utime).append(' ').append(stime);
    s.append(" 0 0 20 0 45 0 123456 3000000000 40000 18446744073709551615");
    for (int i = 26; i <= 52; i++) {
      s.append(" 0");
    }
    return s.append('\n').toString();
  }
}
