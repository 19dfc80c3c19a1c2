package io.parley.auth;

import io.parley.validation.FieldValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * This node's authentication: whether tokens are required, how they are verified, and, in
 * development mode, the secret that mints development tokens.
 */
public final class Authentication {

  private final AuthSettings settings;
  private final Optional<JwtVerifier> verifier;
  private final Optional<DevelopmentTokens> developmentTokens;
  private final OriginPolicy origins;

  private Authentication(
      AuthSettings settings,
      Optional<JwtVerifier> verifier,
      Optional<DevelopmentTokens> developmentTokens) {
    this.settings = settings;
    this.verifier = verifier;
    this.developmentTokens = developmentTokens;
    this.origins = OriginPolicy.fromSettings(settings);
  }

  /**
   * Builds it from the settings; throws {@link IllegalStateException} for a configuration the
   * node must not run with (see {@link AuthSettings#refusal()}).
   */
  public static Authentication start(AuthSettings settings, FieldValidator validator, Clock clock) {
    settings
        .refusal()
        .ifPresent(
            refusal -> {
              throw new IllegalStateException(refusal);
            });
    if (!settings.required()) {
      return new Authentication(settings, Optional.empty(), Optional.empty());
    }
    Optional<byte[]> secret =
        settings.hs256Secret().map(text -> text.getBytes(StandardCharsets.UTF_8));
    if (secret.isEmpty() && settings.development()) {
      secret = Optional.of(DevelopmentSecret.loadOrCreate(settings.developmentSecretFile()));
    }
    Optional<DevelopmentTokens> minting =
        settings.development()
            ? secret.map(key -> new DevelopmentTokens(key, settings, clock))
            : Optional.empty();
    return new Authentication(
        settings, Optional.of(new JwtVerifier(secret, settings, validator)), minting);
  }

  /** Whether every connection and read needs a token ({@code parley.auth.mode = jwt}). */
  public boolean required() {
    return verifier.isPresent();
  }

  public Verification verify(String token) {
    return verifier
        .map(jwt -> jwt.verify(token))
        .orElseThrow(() -> new IllegalStateException("authentication is off"));
  }

  /** Present in development mode only: the node mints tokens for local development. */
  public Optional<DevelopmentTokens> developmentTokens() {
    return developmentTokens;
  }

  public OriginPolicy origins() {
    return origins;
  }

  public AuthSettings settings() {
    return settings;
  }
}
