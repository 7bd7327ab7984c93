package dev.ballast.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.port.Member;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLauncherTest {

  @Test
  void fillsEveryPlaceholderOfTheTemplate() {
    // given
    CommandLauncher launcher =
        new CommandLauncher(
            "web",
            List.of(
                "srv",
                "--id={id}",
                "--ord={ordinal}",
                "--name={name}",
                "{host}:{port:http}",
                "--data",
                "{dataDir}",
                "{unknown}"),
            Map.of("MODE", "test"));
    Member member = new Member(2, "127.0.0.1", Map.of("http", 20123));

    // when
    LaunchCommand cmd =
        launcher.prepare(
            member,
            Path.of("/s/members/2"),
            Path.of("/s/members/2/data"),
            Map.of("dynamic-config", "x"));

    // then
    assertThat(cmd.argv())
        .containsExactly(
            "srv",
            "--id=3",
            "--ord=2",
            "--name=web-2",
            "127.0.0.1:20123",
            "--data",
            "/s/members/2/data",
            "{unknown}");
    assertThat(cmd.env())
        .containsEntry("MODE", "test")
        .containsEntry("BALLAST_ORDINAL", "2")
        .containsEntry("BALLAST_SETTING_DYNAMIC_CONFIG", "x");
  }
}
