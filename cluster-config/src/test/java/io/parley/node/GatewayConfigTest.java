package io.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.parley.cluster.ParleyConfig;
import org.junit.jupiter.api.Test;

/** The gateway's settings for Pekko HTTP, as a node loads them. */
class GatewayConfigTest {

  @Test
  void aNodeHoldsFarMoreConnectionsThanPekkosDefault() {
    assertThat(ParleyConfig.load(ConfigFactory.empty()).getInt("pekko.http.server.max-connections"))
        .isEqualTo(100_000);
  }

  @Test
  void theConnectionCeilingCanBeChanged() {
    assertThat(
            ParleyConfig.load(ConfigFactory.parseString("pekko.http.server.max-connections = 20000"))
                .getInt("pekko.http.server.max-connections"))
        .isEqualTo(20_000);
  }
}
