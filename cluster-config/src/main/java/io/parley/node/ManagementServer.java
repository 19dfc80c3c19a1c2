package io.parley.node;

import io.parley.gateway.HttpErrorHandling;
import io.parley.gateway.HttpErrors;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.management.PekkoManagementSettings;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Pekko Management's routes (health checks, cluster bootstrap, the operator's routes: every
 * provider in {@code pekko.management.http.routes}) on their own port, bound by the node rather
 * than by {@code PekkoManagement.start()}: so that what Pekko answers itself (an unknown path,
 * a method a path does not take, a failure) comes in the JSON shape of every other error
 * ({@link HttpErrorHandling}) instead of plain text. Bound as Pekko Management binds them: on
 * {@code pekko.management.http.bind-hostname} (else {@code hostname}) and {@code bind-port}
 * (else {@code port}), with the client's address available to the routes (as a request
 * attribute).
 */
final class ManagementServer {

  private ManagementServer() {}

  /**
   * Binds the routes; returns where they answer, e.g. {@code http://127.0.0.1:7626}. Fails (and
   * so stops the node) when the port is taken.
   */
  static String start(ActorSystem<?> system) throws InterruptedException {
    PekkoManagement management = PekkoManagement.get(system);
    PekkoManagementSettings settings = management.settings();
    String host = settings.getHttpEffectiveBindHostname();
    int port = settings.getHttpEffectiveBindPort();
    HttpErrorHandling errors = new HttpErrorHandling(new HttpErrors(), status -> {});
    // once: the routes of cluster bootstrap may be made only once
    Route routes = management.getRoutes();
    try {
      ServerBinding binding =
          Http.get(system)
              .newServerAt(host, port)
              .withSettings(
                  ServerSettings.create(Adapter.toClassic(system)).withRemoteAddressAttribute(true))
              .bind(errors.around(() -> routes))
              .toCompletableFuture()
              .get();
      return "http://" + settings.getHttpHostname() + ":" + binding.localAddress().getPort();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Pekko Management could not listen on "
              + host
              + ":"
              + port
              + " (set PARLEY_MANAGEMENT_PORT): "
              + e.getCause().getMessage(),
          e.getCause());
    }
  }
}
