package io.parley.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The authentication settings from {@code parley.mode} and {@code parley.auth}; see
 * docs/AUTHENTICATION.md.
 *
 * @param production {@code parley.mode = production}: keys required, no development endpoint,
 *     only the listed origins and the server's own
 * @param required {@code parley.auth.mode = jwt}; {@code none} lets a client's hello choose its
 *     identity (refused in production)
 */
public record AuthSettings(
    boolean production,
    boolean required,
    Optional<String> hs256Secret,
    Optional<String> jwksUrl,
    Duration jwksTimeout,
    Duration jwksCacheTtl,
    Duration jwksMinRefreshInterval,
    Optional<String> issuer,
    Optional<String> audience,
    Duration clockSkew,
    boolean requireExpiry,
    String nameClaim,
    String colorClaim,
    String roomsClaim,
    Duration refreshAhead,
    List<String> allowedOrigins,
    Path developmentSecretFile,
    Duration developmentTokenLifetime,
    Optional<String> operatorToken) {

  /** The shortest HS256 secret accepted: RFC 7518 asks for a key of at least the hash size. */
  public static final int MIN_SECRET_BYTES = 32;

  public static AuthSettings fromConfig(Config parley) {
    String mode = parley.getString("mode");
    if (!mode.equals("development") && !mode.equals("production")) {
      throw new IllegalArgumentException(
          "parley.mode (PARLEY_MODE) must be development or production, not " + mode);
    }
    Config auth = parley.getConfig("auth");
    String authMode = auth.getString("mode");
    if (!authMode.equals("jwt") && !authMode.equals("none")) {
      throw new IllegalArgumentException(
          "parley.auth.mode (PARLEY_AUTH_MODE) must be jwt or none, not " + authMode);
    }
    return new AuthSettings(
        mode.equals("production"),
        authMode.equals("jwt"),
        nonEmpty(auth.getString("hs256-secret")),
        nonEmpty(auth.getString("jwks-url")),
        auth.getDuration("jwks-timeout"),
        auth.getDuration("jwks-cache"),
        auth.getDuration("jwks-min-refresh-interval"),
        nonEmpty(auth.getString("issuer")),
        nonEmpty(auth.getString("audience")),
        auth.getDuration("clock-skew"),
        auth.getBoolean("require-expiry"),
        auth.getString("claims.name"),
        auth.getString("claims.color"),
        auth.getString("claims.rooms"),
        auth.getDuration("refresh-ahead"),
        stringList(auth, "allowed-origins"),
        Path.of(parley.getString("data-dir")).resolve(auth.getString("development.secret-file")),
        auth.getDuration("development.token-lifetime"),
        nonEmpty(parley.getString("management.operator-token")));
  }

  public boolean development() {
    return !production;
  }

  /** Whether this node has a key to verify tokens with, other than a development secret. */
  public boolean hasConfiguredKeys() {
    return hs256Secret.isPresent() || jwksUrl.isPresent();
  }

  /**
   * What makes this configuration unsafe to run, if anything: production without keys, or with
   * authentication off. The node refuses to start with it.
   */
  public Optional<String> refusal() {
    if (!production) {
      return Optional.empty();
    }
    if (!required) {
      return Optional.of(
          "PARLEY_AUTH_MODE=none lets any client say it is anyone: it is refused in production"
              + " (PARLEY_MODE=production)");
    }
    if (!hasConfiguredKeys()) {
      return Optional.of(
          "production (PARLEY_MODE=production) needs keys to verify tokens: set"
              + " PARLEY_AUTH_HS256_SECRET or PARLEY_AUTH_JWKS_URL (docs/AUTHENTICATION.md)");
    }
    return Optional.empty();
  }

  /** Never shows the secret or the operator token, wherever the settings are logged. */
  @Override
  public String toString() {
    return "AuthSettings[production=" + production + ", required=" + required
        + ", hs256Secret=" + hs256Secret.map(secret -> "(set)").orElse("(none)")
        + ", jwksUrl=" + jwksUrl.orElse("(none)")
        + ", issuer=" + issuer.orElse("(any)")
        + ", audience=" + audience.orElse("(any)")
        + ", allowedOrigins=" + allowedOrigins
        + ", operatorToken=" + operatorToken.map(token -> "(set)").orElse("(none)") + "]";
  }

  /** A list setting, or (from an environment variable) one string of comma-separated items. */
  private static List<String> stringList(Config config, String path) {
    if (config.getValue(path).valueType() == ConfigValueType.LIST) {
      return List.copyOf(config.getStringList(path));
    }
    return Arrays.stream(config.getString(path).split(","))
        .map(String::trim)
        .filter(item -> !item.isEmpty())
        .toList();
  }

  private static Optional<String> nonEmpty(String value) {
    return value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
