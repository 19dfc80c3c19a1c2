package io.parley.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Mints HS256 tokens with the development secret, for the development-only token endpoint. The
 * tokens have the claims a production token has (issuer and audience when configured), so what
 * works with them works with a real identity provider's.
 */
public final class DevelopmentTokens {

  private final MACSigner signer;
  private final AuthSettings settings;
  private final Clock clock;

  public DevelopmentTokens(byte[] secret, AuthSettings settings, Clock clock) {
    try {
      this.signer = new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the development secret cannot sign HS256", e);
    }
    this.settings = settings;
    this.clock = clock;
  }

  /** A minted token and when it expires. */
  public record Minted(String token, Instant expiresAt) {}

  public Minted mint(
      String userId,
      Optional<String> name,
      Optional<String> color,
      RoomGrants rooms,
      Optional<Duration> lifetime) {
    Instant now = clock.instant();
    Instant expiresAt = now.plus(lifetime.orElse(settings.developmentTokenLifetime()));
    Map<String, String> grants = new LinkedHashMap<>();
    rooms.patterns().forEach((pattern, permission) -> grants.put(pattern, permission.wireName()));
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(userId)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expiresAt))
            .claim(settings.roomsClaim(), grants);
    name.ifPresent(value -> claims.claim(settings.nameClaim(), value));
    color.ifPresent(value -> claims.claim(settings.colorClaim(), value));
    settings.issuer().ifPresent(claims::issuer);
    settings.audience().ifPresent(claims::audience);
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a development token", e);
    }
    return new Minted(jwt.serialize(), expiresAt);
  }
}
