package io.parley.node;

import com.typesafe.config.Config;
import io.parley.gateway.HttpErrors;
import io.parley.gateway.RequestToken;
import io.parley.node.metrics.MetricsRoute;
import io.parley.room.FanoutStats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
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
 * token as its bearer token). Health checks and cluster bootstrap stay open: probes and forming nodes have
 * no credential. Registered as {@code pekko.management.http.routes.parley-operator}, in place of
 * Pekko's own {@code cluster-management}.
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
    String token = parley.getString("management.operator-token");
    return new Provider(
        Cluster.get(system),
        FanoutStats.get(system),
        MetricsRoute.of(system),
        token.isBlank() ? Optional.empty() : Optional.of(token),
        parley.getString("mode").equals("production"));
  }

  /** The routes. */
  public static final class Provider implements ManagementRouteProvider {

    private static final HttpErrors ERRORS = new HttpErrors();

    private final Cluster cluster;
    private final FanoutStats stats;
    private final Route metrics;
    private final Optional<byte[]> operatorToken;
    private final boolean production;

    Provider(
        Cluster cluster,
        FanoutStats stats,
        Route metrics,
        Optional<String> operatorToken,
        boolean production) {
      this.cluster = cluster;
      this.stats = stats;
      this.metrics = metrics;
      this.operatorToken = operatorToken.map(token -> token.getBytes(StandardCharsets.UTF_8));
      this.production = production;
    }

    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      // only these paths: Pekko Management tries its providers in turn, and a guard that
      // answered every path would answer /ready too
      return Directives.concat(
          Directives.pathPrefixTest(
              "cluster", () -> operator(() -> ClusterHttpManagementRoutes.readOnly(cluster))),
          Directives.pathPrefixTest("fanout", () -> operator(this::fanout)),
          Directives.pathPrefixTest("metrics", () -> operator(() -> metrics)));
    }

    /**
     * Without a configured token the routes are open in development (the management port listens
     * on loopback) and closed in production.
     */
    private Route operator(Supplier<Route> inner) {
      if (operatorToken.isEmpty()) {
        return production
            ? error(
                StatusCodes.FORBIDDEN,
                "forbidden",
                "operator routes need PARLEY_OPERATOR_TOKEN to be set on the node")
            : inner.get();
      }
      return Directives.optionalHeaderValueByName(
          "Authorization",
          authorization -> {
            Optional<byte[]> presented =
                authorization
                    .flatMap(RequestToken::bearer)
                    .map(token -> token.getBytes(StandardCharsets.UTF_8));
            // constant time: the comparison must not tell how much of a guess was right
            if (presented.isPresent() && MessageDigest.isEqual(presented.get(), operatorToken.get())) {
              return inner.get();
            }
            return error(
                StatusCodes.UNAUTHORIZED,
                "unauthenticated",
                "operator routes need Authorization: Bearer <operator token>");
          });
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

    private static Route error(StatusCode status, String code, String message) {
      return Directives.complete(
          ERRORS.response(
              status,
              code,
              null,
              message,
              List.of(HttpHeader.parse("WWW-Authenticate", "Bearer realm=\"parley-operator\""))));
    }
  }
}
