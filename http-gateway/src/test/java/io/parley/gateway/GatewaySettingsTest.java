package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

  private final GatewaySettings settings =
      GatewaySettings.fromConfig(
          ConfigFactory.parseString("gateway.resume-max-events = 10")
              .withFallback(ConfigFactory.load().getConfig("parley")));

  @Test
  void aClientResumesFromAVersionTheRoomHadWhenItIsNotTooFarBehind() {
    assertThat(settings.resumes(Optional.of(5L), 15)).isTrue();
    assertThat(settings.resumes(Optional.of(15L), 15)).isTrue();
  }

  @Test
  void aClientTooFarBehindAheadOfTheRoomOrNewGetsASnapshot() {
    assertThat(settings.resumes(Optional.of(4L), 15)).isFalse();
    assertThat(settings.resumes(Optional.of(16L), 15)).isFalse();
    assertThat(settings.resumes(Optional.empty(), 15)).isFalse();
  }
}
