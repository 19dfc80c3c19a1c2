package io.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
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
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a token is refused, and the keys it is verified with: HS256, RS256 and ES256 from a
 * JWKS file and a JWKS URL, with a key rotation.
 */
class JwtVerifierTest {

  private static final Instant NOW = Instant.now();

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .subject("ann")
        .expirationTime(Date.from(NOW.plusSeconds(600)))
        .claim("name", "Ann")
        .claim("color", "#123456")
        .claim("rooms", Map.of("team-*", "write", "lobby", "read"));
  }

  private static String hs256(JWTClaimsSet claims, String secret) {
    return signed(new JWSHeader(JWSAlgorithm.HS256), claims, macSigner(secret.getBytes(StandardCharsets.UTF_8)));
  }

  private static JWSSigner macSigner(byte[] secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String signed(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static Verification verifyHs256(String token, String overrides) {
    return AuthFixtures.hs256(overrides).verify(token);
  }

  private static AuthFailure refusal(Verification verification) {
    assertThat(verification).isInstanceOf(Verification.Invalid.class);
    return ((Verification.Invalid) verification).reason();
  }

  @Nested
  class Hs256 {

    @Test
    void aValidTokenGivesTheIdentityFromItsClaims() {
      Verification verification = verifyHs256(hs256(claims().build(), AuthFixtures.SECRET), "");
      Identity identity = ((Verification.Valid) verification).identity();
      assertThat(identity.userId()).isEqualTo("ann");
      assertThat(identity.name()).contains("Ann");
      assertThat(identity.color()).contains("#123456");
      assertThat(identity.rooms().forRoom("team-red")).contains(Permission.WRITE);
      assertThat(identity.rooms().forRoom("lobby")).contains(Permission.READ);
      assertThat(identity.rooms().forRoom("other")).isEmpty();
      assertThat(identity.expiresAt()).isPresent();
    }

    @Test
    void anotherSecretsSignatureIsRefused() {
      String token = hs256(claims().build(), "another-secret-of-at-least-32-bytes-long!!");
      assertThat(refusal(verifyHs256(token, ""))).isEqualTo(AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void aTamperedPayloadIsRefused() {
      String token = hs256(claims().build(), AuthFixtures.SECRET);
      String other = hs256(claims().subject("bob").build(), AuthFixtures.SECRET);
      String[] parts = token.split("\\.");
      String tampered = parts[0] + "." + other.split("\\.")[1] + "." + parts[2];
      assertThat(refusal(verifyHs256(tampered, ""))).isEqualTo(AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void anUnsignedTokenIsRefused() {
      String none = new PlainJWT(claims().build()).serialize();
      Verification verification = verifyHs256(none, "");
      assertThat(refusal(verification)).isEqualTo(AuthFailure.ALGORITHM_REFUSED);
      assertThat(((Verification.Invalid) verification).message()).contains("alg none");
    }

    @Test
    void anRs256TokenIsRefusedWhenOnlyASecretIsConfigured() throws JOSEException {
      RSAKey rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
      String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims().build(), new RSASSASigner(rsa));
      assertThat(refusal(verifyHs256(token, ""))).isEqualTo(AuthFailure.ALGORITHM_REFUSED);
    }

    @Test
    void expiredBeyondTheClockSkewIsRefusedWithinItAccepted() {
      String expired = hs256(claims().expirationTime(Date.from(NOW.minusSeconds(120))).build(), AuthFixtures.SECRET);
      assertThat(refusal(verifyHs256(expired, "auth.clock-skew = 30s"))).isEqualTo(AuthFailure.EXPIRED);
      String justExpired = hs256(claims().expirationTime(Date.from(NOW.minusSeconds(5))).build(), AuthFixtures.SECRET);
      assertThat(verifyHs256(justExpired, "auth.clock-skew = 30s")).isInstanceOf(Verification.Valid.class);
    }

    @Test
    void notYetValidIsRefused() {
      String early = hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(300))).build(), AuthFixtures.SECRET);
      assertThat(refusal(verifyHs256(early, ""))).isEqualTo(AuthFailure.NOT_YET_VALID);
    }

    @Test
    void theIssuerMustBeTheConfiguredOne() {
      String overrides = "auth.issuer = \"https://id.example.com\"";
      assertThat(verifyHs256(hs256(claims().issuer("https://id.example.com").build(), AuthFixtures.SECRET), overrides))
          .isInstanceOf(Verification.Valid.class);
      assertThat(refusal(verifyHs256(hs256(claims().issuer("https://evil.example").build(), AuthFixtures.SECRET), overrides)))
          .isEqualTo(AuthFailure.WRONG_ISSUER);
      assertThat(refusal(verifyHs256(hs256(claims().build(), AuthFixtures.SECRET), overrides)))
          .isEqualTo(AuthFailure.WRONG_ISSUER);
    }

    @Test
    void theAudienceMustNameThisServer() {
      String overrides = "auth.audience = \"parley\"";
      assertThat(verifyHs256(hs256(claims().audience("parley").build(), AuthFixtures.SECRET), overrides))
          .isInstanceOf(Verification.Valid.class);
      assertThat(refusal(verifyHs256(hs256(claims().audience("billing").build(), AuthFixtures.SECRET), overrides)))
          .isEqualTo(AuthFailure.WRONG_AUDIENCE);
      assertThat(refusal(verifyHs256(hs256(claims().build(), AuthFixtures.SECRET), overrides)))
          .isEqualTo(AuthFailure.WRONG_AUDIENCE);
    }

    @Test
    void subAndExpAreRequired() {
      assertThat(refusal(verifyHs256(hs256(claims().subject(null).build(), AuthFixtures.SECRET), "")))
          .isEqualTo(AuthFailure.INVALID_CLAIMS);
      assertThat(refusal(verifyHs256(hs256(claims().expirationTime(null).build(), AuthFixtures.SECRET), "")))
          .isEqualTo(AuthFailure.INVALID_CLAIMS);
      assertThat(verifyHs256(hs256(claims().expirationTime(null).build(), AuthFixtures.SECRET), "auth.require-expiry = off"))
          .isInstanceOf(Verification.Valid.class);
    }

    @Test
    void claimsMustHaveTheDocumentedForm() {
      for (JWTClaimsSet bad :
          new JWTClaimsSet[] {
            claims().subject("<script>").build(),
            claims().claim("name", "").build(),
            claims().claim("name", 7).build(),
            claims().claim("color", "red").build(),
            claims().claim("rooms", "team-*").build(),
            claims().claim("rooms", Map.of("team-*", "owner")).build(),
          }) {
        assertThat(refusal(verifyHs256(hs256(bad, AuthFixtures.SECRET), ""))).as(bad.toString()).isEqualTo(AuthFailure.INVALID_CLAIMS);
      }
    }

    @Test
    void claimNamesAreConfigurable() {
      JWTClaimsSet namespaced =
          claims().claim("https://app.example/rooms", Map.of("*", "admin")).claim("rooms", null).build();
      Verification verification =
          verifyHs256(hs256(namespaced, AuthFixtures.SECRET), "auth.claims.rooms = \"https://app.example/rooms\"");
      assertThat(((Verification.Valid) verification).identity().rooms().forRoom("x")).contains(Permission.ADMIN);
    }

    @Test
    void garbageIsMalformed() {
      for (String garbage : new String[] {"x", "a.b.c", "", "eyJ.eyJ.sig"}) {
        assertThat(refusal(verifyHs256(garbage, ""))).as(garbage).isEqualTo(AuthFailure.MALFORMED_TOKEN);
      }
    }

    @Test
    void aShortSecretIsRefusedAtStart() {
      assertThatThrownBy(
              () ->
                  Authentication.start(
                      AuthSettings.fromConfig(AuthFixtures.parley("mode = production, auth.hs256-secret = short")),
                      AuthFixtures.validator(),
                      Clock.systemUTC()))
          .hasMessageContaining("at least 32 bytes");
    }
  }

  @Nested
  class Jwks {

    @TempDir Path dir;

    private Authentication withJwks(String url, String extra) {
      return Authentication.start(
          AuthSettings.fromConfig(
              AuthFixtures.parley("mode = production, auth.jwks-url = \"" + url + "\"\n" + extra)),
          AuthFixtures.validator(),
          Clock.systemUTC());
    }

    private Path jwksFile(JWKSet keys) throws IOException {
      Path file = dir.resolve("jwks.json");
      Files.writeString(file, keys.toPublicJWKSet().toString());
      return file;
    }

    @Test
    void rs256AndEs256FromAJwksFile() throws Exception {
      RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
      Authentication auth = withJwks(jwksFile(new JWKSet(java.util.List.of(rsa, ec))).toUri().toString(), "");
      String rs = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims().build(), new RSASSASigner(rsa));
      String es = signed(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims().build(), new ECDSASigner(ec));
      assertThat(auth.verify(rs)).isInstanceOf(Verification.Valid.class);
      assertThat(auth.verify(es)).isInstanceOf(Verification.Valid.class);
      RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      String forged = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims().build(), new RSASSASigner(stranger));
      assertThat(refusal(auth.verify(forged))).isEqualTo(AuthFailure.BAD_SIGNATURE);
    }

    /**
     * The classic confusion: the RSA public key (public, so the attacker has it) used as an HMAC
     * secret. Refused whether or not the node also has an HS256 secret.
     */
    @Test
    void anHs256TokenSignedWithTheRsaPublicKeyIsRefused() throws Exception {
      RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      String url = jwksFile(new JWKSet(rsa)).toUri().toString();
      byte[] publicKey = rsa.toRSAPublicKey().getEncoded();
      byte[] publicJson = rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
      for (byte[] asSecret : new byte[][] {publicKey, publicJson}) {
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build(), macSigner(asSecret));
        assertThat(refusal(withJwks(url, "").verify(token))).isEqualTo(AuthFailure.ALGORITHM_REFUSED);
        assertThat(refusal(withJwks(url, "auth.hs256-secret = \"" + AuthFixtures.SECRET + "\"").verify(token)))
            .isEqualTo(AuthFailure.BAD_SIGNATURE);
      }
    }

    @Test
    void aRotatedKeyIsFetchedFromTheUrlWhenATokenNamesIt() throws Exception {
      RSAKey first = new RSAKeyGenerator(2048).keyID("2026-11").generate();
      RSAKey second = new RSAKeyGenerator(2048).keyID("2026-12").generate();
      AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(first));
      AtomicInteger fetches = new AtomicInteger();
      HttpServer server = jwksServer(published, fetches);
      try {
        Authentication auth =
            withJwks(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json",
                "auth.jwks-min-refresh-interval = 1ms");
        String byFirst = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("2026-11").build(), claims().build(), new RSASSASigner(first));
        assertThat(auth.verify(byFirst)).isInstanceOf(Verification.Valid.class);
        assertThat(fetches.get()).isEqualTo(1);

        published.set(new JWKSet(java.util.List.of(first, second)));
        String bySecond = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("2026-12").build(), claims().build(), new RSASSASigner(second));
        assertThat(auth.verify(bySecond)).isInstanceOf(Verification.Valid.class);
        assertThat(fetches.get()).isEqualTo(2);
        assertThat(auth.verify(byFirst)).as("cached, no fetch").isInstanceOf(Verification.Valid.class);
        assertThat(fetches.get()).isEqualTo(2);
      } finally {
        server.stop(0);
      }
    }

    @Test
    void anUnreachableJwksIsUnavailableNotInvalid() throws Exception {
      RSAKey rsa = new RSAKeyGenerator(2048).keyID("k").generate();
      HttpServer server = jwksServer(new AtomicReference<>(new JWKSet(rsa)), new AtomicInteger());
      int port = server.getAddress().getPort();
      server.stop(0);
      Authentication auth = withJwks("http://127.0.0.1:" + port + "/jwks.json", "auth.jwks-timeout = 500ms");
      String token = signed(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(), claims().build(), new RSASSASigner(rsa));
      assertThat(refusal(auth.verify(token))).isEqualTo(AuthFailure.KEYS_UNAVAILABLE);
    }

    private HttpServer jwksServer(AtomicReference<JWKSet> published, AtomicInteger fetches) throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/jwks.json",
          exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return server;
    }
  }
}
