package io.parley.auth;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may open a WebSocket or read through CORS: the server's own (the {@code
 * Origin}'s host and port are the request's {@code Host}), the configured ones ({@code
 * allowed-origins}: exact origins such as {@code https://app.example.com}, or {@code *} for any),
 * and in development mode any page served from the loopback interface. A request without {@code
 * Origin} is not from a browser page and is let through: origins only guard against other sites'
 * pages acting with a user's browser.
 */
public final class OriginPolicy {

  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  private final Set<String> allowed;
  private final boolean anyOrigin;
  private final boolean loopback;

  public OriginPolicy(List<String> allowedOrigins, boolean allowLoopback) {
    this.allowed =
        allowedOrigins.stream().map(OriginPolicy::normalised).collect(Collectors.toUnmodifiableSet());
    this.anyOrigin = allowed.contains("*");
    this.loopback = allowLoopback;
  }

  public static OriginPolicy fromSettings(AuthSettings settings) {
    return new OriginPolicy(settings.allowedOrigins(), settings.development());
  }

  public boolean allows(Optional<String> origin, Optional<String> host) {
    if (origin.isEmpty() || anyOrigin) {
      return true;
    }
    String value = normalised(origin.get());
    if (allowed.contains(value)) {
      return true;
    }
    Optional<URI> uri = parse(value);
    if (uri.isEmpty()) {
      return false; // "null" (sandboxed frames, file: pages) or garbage
    }
    String authority = uri.get().getRawAuthority();
    if (host.isPresent() && authority.equalsIgnoreCase(host.get().trim())) {
      return true;
    }
    return loopback && LOOPBACK_HOSTS.contains(uri.get().getHost().toLowerCase(Locale.ROOT));
  }

  private static Optional<URI> parse(String origin) {
    try {
      URI uri = URI.create(origin);
      boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      return web && uri.getHost() != null && uri.getRawAuthority() != null
          ? Optional.of(uri)
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String normalised(String origin) {
    String trimmed = origin.trim().toLowerCase(Locale.ROOT);
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
