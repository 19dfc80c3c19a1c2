package io.parley.node;

import io.parley.room.FanoutStats;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /fanout} on the management port: what this node's fan-out did since it started, as
 * JSON, {@code {"roomMessages": 12, "deliveries": 30}}: the events and cursor ticks rooms sent
 * to this node (one per update and node, wherever the room runs) and the ones it handed to its
 * connections. Registered as {@code pekko.management.http.routes.parley-fanout}.
 */
public final class FanoutRoutes extends AbstractExtensionId<FanoutRoutes.Provider>
    implements ExtensionIdProvider {

  public static final FanoutRoutes ID = new FanoutRoutes();

  /** Pekko Management instantiates the class named in its configuration. */
  public FanoutRoutes() {}

  @Override
  public FanoutRoutes lookup() {
    return ID;
  }

  @Override
  public Provider createExtension(ExtendedActorSystem system) {
    return new Provider(FanoutStats.get(system));
  }

  /** The route. */
  public static final class Provider implements ManagementRouteProvider {

    private final FanoutStats stats;

    Provider(FanoutStats stats) {
      this.stats = stats;
    }

    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      return Directives.path(
          "fanout",
          () ->
              Directives.get(
                  () ->
                      Directives.complete(
                          HttpResponse.create()
                              .withEntity(
                                  ContentTypes.APPLICATION_JSON,
                                  "{\"roomMessages\":"
                                      + stats.roomMessages()
                                      + ",\"deliveries\":"
                                      + stats.deliveries()
                                      + "}"))));
    }
  }
}
