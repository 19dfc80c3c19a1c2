package io.parley.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.room.RoomSettings;
import io.parley.validation.FieldValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/** Authentication set-ups and tokens for the gateway's tests. */
public final class AuthFixtures {

  public static final String SECRET = "a-test-secret-of-at-least-32-bytes-for-hs256";

  private AuthFixtures() {}

  public static Config parley(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.load().getConfig("parley"))
        .resolve();
  }

  public static FieldValidator validator() {
    return new FieldValidator(RoomSettings.fromConfig(ConfigFactory.load().getConfig("parley")).limits());
  }

  /** Authentication off: the hello says who. */
  public static Authentication off() {
    return Authentication.start(
        AuthSettings.fromConfig(parley("auth.mode = none")), validator(), Clock.systemUTC());
  }

  /** HS256 with {@link #SECRET}, production mode (no development secret, no minting). */
  public static Authentication hs256(String overrides) {
    return Authentication.start(
        AuthSettings.fromConfig(
            parley("mode = production, auth.hs256-secret = \"" + SECRET + "\"\n" + overrides)),
        validator(),
        Clock.systemUTC());
  }

  /** An HS256 token signed with {@link #SECRET} for {@code userId}, opening {@code rooms}. */
  public static String token(String userId, Map<String, String> rooms, Instant expiresAt) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(userId)
            .expirationTime(Date.from(expiresAt))
            .claim("rooms", rooms)
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
