package dev.ballast.local.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadSettingsTest {
  private static final RateProfile PROFILE = RateProfile.constant(10, Duration.ofSeconds(1));

  @Test
  void acceptsLoopbackServersAndAChroot() {
    assertThat(
            LoadSettings.defaults("127.0.0.1:2181,localhost:2182,[::1]:2183/demo", PROFILE)
                .connectString())
        .isEqualTo("127.0.0.1:2181,localhost:2182,[::1]:2183/demo");
  }

  @Test
  void refusesAnyServerOffLoopback() {
    assertThatThrownBy(() -> LoadSettings.defaults("127.0.0.1:2181,10.0.0.7:2181", PROFILE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.0.0.7:2181' is not on loopback");
    assertThatThrownBy(() -> LoadSettings.defaults("zk.example.org:2181", PROFILE))
        .hasMessageContaining("not on loopback");
  }

  @Test
  void refusesAnEmptyConnectString() {
    assertThatThrownBy(() -> LoadSettings.defaults(" ", PROFILE))
        .hasMessageContaining("connectString is empty");
  }

  @Test
  void refusesOutOfRangeSettingsNamingTheField() {
    LoadSettings ok = LoadSettings.defaults("127.0.0.1:2181", PROFILE);
    assertThatThrownBy(() -> ok.withWriteFraction(1.5)).hasMessageContaining("writeFraction");
    assertThatThrownBy(() -> ok.withMaxOperations(0)).hasMessageContaining("maxOperations");
    assertThatThrownBy(() -> ok.withBasePath("relative")).hasMessageContaining("basePath");
    assertThatThrownBy(() -> ok.withBasePath("/trailing/")).hasMessageContaining("basePath");
  }
}
