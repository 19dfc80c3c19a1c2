package io.parley.node.health;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import io.parley.gateway.HttpErrors;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The health-check routes of Pekko Management ({@code /ready}, {@code /alive}, {@code /startup}),
 * registered as {@code pekko.management.http.routes.health-checks} in place of Pekko's own: the
 * same checks, but a failed one answers <b>503 Service Unavailable</b> (Pekko answers 500), the
 * status load balancers and operators read as "up but not taking traffic"; 200 "OK" otherwise.
 */
public final class HealthRoutes extends AbstractExtensionId<HealthRoutes.Provider>
    implements ExtensionIdProvider {

  public static final HealthRoutes ID = new HealthRoutes();

  /** Pekko Management instantiates the class named in its configuration. */
  public HealthRoutes() {}

  @Override
  public HealthRoutes lookup() {
    return ID;
  }

  @Override
  public Provider createExtension(ExtendedActorSystem system) {
    return new Provider(system);
  }

  /** The routes. */
  public static final class Provider implements ManagementRouteProvider {

    private final HealthCheckSettings settings;
    private final HealthChecks checks;

    Provider(ExtendedActorSystem system) {
      this.settings =
          HealthCheckSettings.create(
              system.settings().config().getConfig("pekko.management.health-checks"));
      this.checks = new HealthChecks(system, settings);
    }

    @Override
    public Route routes(ManagementRouteProviderSettings routeSettings) {
      return Directives.concat(
          check(settings.readinessPath(), checks::readyResult),
          check(settings.livenessPath(), checks::aliveResult),
          check(settings.startupPath(), checks::startupResult));
    }

    private static Route check(String path, Supplier<CompletionStage<CheckResult>> result) {
      return Directives.path(
          PathMatchers.separateOnSlashes(path),
          () -> Directives.get(() -> Directives.completeWithFuture(respond(result.get()))));
    }

    private static CompletionStage<HttpResponse> respond(CompletionStage<CheckResult> result) {
      return result.handle(
          (checked, error) -> {
            if (error == null && checked.isSuccess()) {
              return HttpResponse.create().withStatus(StatusCodes.OK).withEntity("OK");
            }
            String why =
                error != null ? String.valueOf(error.getMessage()) : checked.failure().orElse("");
            return HttpResponse.create()
                .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                .withEntity(
                    HttpEntities.create(
                        ContentTypes.APPLICATION_JSON,
                        HttpErrors.body("unavailable", null, null, "not healthy: " + why)));
          });
    }
  }
}
