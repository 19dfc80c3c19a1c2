package io.parley.benchmarks.jmh;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.ConfigFactory;
import io.parley.auth.AuthSettings;
import io.parley.auth.Authentication;
import io.parley.auth.Verification;
import io.parley.room.RoomSettings;
import io.parley.validation.FieldValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What checking a token costs at each WebSocket upgrade, SSE stream and REST read: parse,
 * signature (HS256; RS256 and ES256 with keys from a JWKS, cached), claims, identity and room
 * grants — {@link Authentication#verify} as the gateway calls it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerifyBenchmark {

  private static final String SECRET = "a-benchmark-secret-of-at-least-32-bytes-for-hs256";

  private Authentication authentication;
  private String hs256;
  private String rs256;
  private String es256;

  @Setup
  public void start() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    Path jwks = Files.createTempFile("jmh-jwks-", ".json");
    Files.writeString(jwks, new JWKSet(List.of(rsa, ec)).toPublicJWKSet().toString());
    jwks.toFile().deleteOnExit();
    var parley =
        ConfigFactory.parseMap(
                Map.of(
                    "mode", "production",
                    "auth.hs256-secret", SECRET,
                    "auth.jwks-url", jwks.toUri().toString()))
            .withFallback(ConfigFactory.load().getConfig("parley"))
            .resolve();
    authentication =
        Authentication.start(
            AuthSettings.fromConfig(parley),
            new FieldValidator(RoomSettings.fromConfig(parley).limits()),
            Clock.systemUTC());
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("user-17")
            .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
            .claim("name", "User 17")
            .claim("rooms", Map.of("team-*", "write", "lobby", "read"))
            .build();
    hs256 = sign(new JWSHeader(JWSAlgorithm.HS256), claims, new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    rs256 = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa").build(), claims, new RSASSASigner(rsa));
    es256 = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec").build(), claims, new ECDSASigner(ec));
    for (String token : List.of(hs256, rs256, es256)) {
      if (!(authentication.verify(token) instanceof Verification.Valid)) {
        throw new IllegalStateException("the benchmark's token is not valid");
      }
    }
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, com.nimbusds.jose.JWSSigner signer)
      throws JOSEException {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  @Benchmark
  public Verification verifyHs256() {
    return authentication.verify(hs256);
  }

  @Benchmark
  public Verification verifyRs256() {
    return authentication.verify(rs256);
  }

  @Benchmark
  public Verification verifyEs256() {
    return authentication.verify(es256);
  }
}
