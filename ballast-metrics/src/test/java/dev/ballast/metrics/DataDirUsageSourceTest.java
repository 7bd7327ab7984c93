package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage usage of local members, from the files in their data directories. */
class DataDirUsageSourceTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);
  @TempDir Path dir;

  private static List<Member> members(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> new Member(i, "127.0.0.1", Map.of()))
        .toList();
  }

  @Test
  void readsTheBytesAndTheFractionOfCapacityUsedByEachMember() throws Exception {
    // given member 0 holds 300 bytes in two files (one nested), member 1 holds nothing
    Files.createDirectories(dir.resolve("0/sub"));
    Files.write(dir.resolve("0/a"), new byte[100]);
    Files.write(dir.resolve("0/sub/b"), new byte[200]);
    Files.createDirectories(dir.resolve("1"));
    DataDirUsageSource source =
        new DataDirUsageSource(o -> dir.resolve(Integer.toString(o)), OptionalLong.of(1000), CLOCK);

    // when
    MetricSample bytes = source.read(DataDirUsageSource.BYTES, members(3));
    MetricSample usage = source.read(DataDirUsageSource.USAGE, members(3));

    // then member 2, which has no data directory, is absent
    assertThat(bytes.byOrdinal()).isEqualTo(Map.of(0, 300.0, 1, 0.0));
    assertThat(usage.byOrdinal()).isEqualTo(Map.of(0, 0.3, 1, 0.0));
    assertThat(usage.timestamp()).isEqualTo(CLOCK.instant());
  }

  @Test
  void usageWithoutACapacitySaysWhichFieldToSet() {
    DataDirUsageSource source =
        new DataDirUsageSource(o -> dir.resolve(Integer.toString(o)), OptionalLong.empty(), CLOCK);
    assertThatThrownBy(() -> source.read(DataDirUsageSource.USAGE, members(1)))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("spec.member.storageCapacity");
  }
}
