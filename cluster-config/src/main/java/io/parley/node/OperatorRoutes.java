package io.parley.node;

import com.typesafe.config.Config;
import io.parley.admin.AdminRoutes;
import io.parley.admin.AdminSettings;
import io.parley.admin.AdminTargets;
import io.parley.node.metrics.MetricsRoute;
import io.parley.room.FanoutStats;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.cluster.javadsl.ClusterHttpManagementRoutes;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The operator's routes on the management port, behind the operator credential ({@code
 * parley.management.operator-token}, sent as {@code Authorization: Bearer <token>}): Pekko's
 * read-only cluster endpoints ({@code /cluster/members}, {@code /cluster/shards/Room}),
 * {@code /fanout} and {@code /metrics} (Prometheus, {@link MetricsRoute}; a scraper sends the
 * token as its bearer token), and the admin API ({@link AdminRoutes}: rooms, kick, close, drain).
 * Health checks and cluster bootstrap stay open: probes and forming nodes have no credential.
 * Registered as {@code pekko.management.http.routes.parley-operator}, in place of Pekko's own
 * {@code cluster-management}.
 */
public final class OperatorRoutes extends AbstractExtensionId<OperatorRoutes.Provider>
    implements ExtensionIdProvider {

  public static final OperatorRoutes ID = new OperatorRoutes();

  /** Pekko Management instantiates the class named in its configuration. */
  public OperatorRoutes() {}

  @Override
  public OperatorRoutes lookup() {
    return ID;
  }

  @Override
  public Provider createExtension(ExtendedActorSystem system) {
    Config parley = system.settings().config().getConfig("parley");
    OperatorCredential credential = OperatorCredential.fromConfig(parley);
    return new Provider(
        Cluster.get(system),
        FanoutStats.get(system),
        MetricsRoute.of(system),
        credential,
        new AdminRoutes(
                Adapter.toTyped(system),
                AdminTargets.get(system),
                AdminSettings.fromConfig(parley),
                credential)
            .routes());
  }

  /** The routes. */
  public static final class Provider implements ManagementRouteProvider {

    private final Cluster cluster;
    private final FanoutStats stats;
    private final Route metrics;
    private final OperatorCredential credential;
    private final Route admin;

    Provider(
        Cluster cluster,
        FanoutStats stats,
        Route metrics,
        OperatorCredential credential,
        Route admin) {
      this.cluster = cluster;
      this.stats = stats;
      this.metrics = metrics;
      this.credential = credential;
      this.admin = admin;
    }

    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      // only these paths: Pekko Management tries its providers in turn, and a guard that
      // answered every path would answer /ready too
      return Directives.concat(
          Directives.pathPrefixTest(
              "cluster",
              () -> credential.operator(() -> ClusterHttpManagementRoutes.readOnly(cluster))),
          Directives.pathPrefixTest("fanout", () -> credential.operator(this::fanout)),
          Directives.pathPrefixTest("metrics", () -> credential.operator(() -> metrics)),
          // each admin route checks the credential itself: a room's routes take a room admin too
          Directives.pathPrefixTest("admin", () -> admin));
    }

    private Route fanout() {
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
