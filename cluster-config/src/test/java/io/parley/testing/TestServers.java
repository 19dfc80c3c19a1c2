package io.parley.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.cluster.ParleyConfig;
import io.parley.node.ParleyServer;
import java.nio.file.Path;
import java.util.Map;

/** In-process Parley nodes on a free port and a data folder of the test's own. */
public final class TestServers {

  private TestServers() {}

  public static ParleyServer start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  public static ParleyServer start(Path dataDir, Map<String, Object> settings) {
    Config overrides =
        ConfigFactory.parseMap(settings)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "parley.gateway.port", 0,
                        // any free port: tests may run several nodes at once
                        "pekko.management.http.port", 0,
                        "parley.data-dir", dataDir.toString(),
                        // Always the H2 database in dataDir, whatever PARLEY_DB_* says.
                        "parley.database.url", "",
                        "parley.database.user", "",
                        "parley.database.password", "",
                        // most tests are about rooms, not about who may enter them: no tokens
                        // unless a test asks for them (the auth tests do)
                        "parley.auth.mode", "none")));
    return ParleyServer.start(ParleyConfig.load(overrides));
  }
}
