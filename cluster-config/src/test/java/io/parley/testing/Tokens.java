package io.parley.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/** JWTs for the tests of a node that requires them, signed the way an identity provider does. */
public final class Tokens {

  /** The HS256 secret the auth tests configure their nodes with. */
  public static final String SECRET = "the-auth-tests-hs256-secret-of-32-bytes-or-more";

  public static final String ISSUER = "https://id.test.example";
  public static final String AUDIENCE = "parley-test";

  private Tokens() {}

  /** The claims of a good token: {@code userId}, named, opening {@code rooms}, for 10 minutes. */
  public static JWTClaimsSet.Builder claims(String userId, String name, Map<String, String> rooms) {
    return new JWTClaimsSet.Builder()
        .subject(userId)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))
        .claim("name", name)
        .claim("rooms", rooms);
  }

  public static String hs256(JWTClaimsSet.Builder claims) {
    return sign(new JWSHeader(JWSAlgorithm.HS256), claims.build(), mac(SECRET.getBytes(StandardCharsets.UTF_8)));
  }

  public static JWSSigner mac(byte[] secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** The request headers of a WebSocket upgrade, for a raw client that reads the refusal. */
  public static Map<String, String> upgradeHeaders() {
    return Map.of(
        "Upgrade", "websocket",
        "Connection", "Upgrade",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version", "13");
  }
}
