package io.parley.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.parley.validation.FieldValidator;
import io.parley.validation.Violation;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies JWTs with Nimbus JOSE+JWT: HS256 with a shared secret, RS256 and ES256 with the keys of
 * a JWKS (a URL or a file, cached, fetched again when a token names a key id it does not hold).
 * Each algorithm is bound to its own key source, so an HS256 token cannot be verified with a
 * public key taken as an HMAC secret, and unsigned ({@code alg: none}) and encrypted tokens are
 * refused before any key is looked at.
 */
public final class JwtVerifier {

  /** The asymmetric algorithms accepted with JWKS keys. */
  public static final Set<JWSAlgorithm> JWKS_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Set<JWSAlgorithm> accepted;
  private final AuthSettings settings;
  private final FieldValidator validator;

  /**
   * @param secret the HS256 secret (configured, or the development one), if any
   * @param settings where the JWKS is, issuer, audience, clock skew and claim names
   */
  public JwtVerifier(Optional<byte[]> secret, AuthSettings settings, FieldValidator validator) {
    this.settings = settings;
    this.validator = validator;
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    JWSKeySelector<SecurityContext> hmac = null;
    if (secret.isPresent()) {
      if (secret.get().length < AuthSettings.MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "the HS256 secret must have at least " + AuthSettings.MIN_SECRET_BYTES + " bytes");
      }
      hmac =
          new JWSVerificationKeySelector<>(
              JWSAlgorithm.HS256, new ImmutableSecret<>(secret.get()));
      algorithms.add(JWSAlgorithm.HS256);
    }
    JWSKeySelector<SecurityContext> jwks = null;
    if (settings.jwksUrl().isPresent()) {
      jwks = new JWSVerificationKeySelector<>(JWKS_ALGORITHMS, jwkSource(settings));
      algorithms.addAll(JWKS_ALGORITHMS);
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("no key to verify tokens with");
    }
    this.accepted = Set.copyOf(algorithms);
    JWSKeySelector<SecurityContext> hmacKeys = hmac;
    JWSKeySelector<SecurityContext> jwksKeys = jwks;
    processor.setJWSKeySelector(
        (header, context) -> {
          JWSKeySelector<SecurityContext> keys =
              JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? hmacKeys : jwksKeys;
          return keys == null ? List.<Key>of() : keys.selectJWSKeys(header, context);
        });
    Set<String> required = new HashSet<>(Set.of("sub"));
    if (settings.requireExpiry()) {
      required.add("exp");
    }
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    settings.issuer().ifPresent(exact::issuer);
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            // a mutable set: Nimbus asks it whether it contains null, which Set.of refuses
            settings.audience().map(audience -> new HashSet<>(List.of(audience))).orElse(null),
            exact.build(),
            required,
            null);
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  public Verification verify(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      return new Verification.Invalid(
          AuthFailure.MALFORMED_TOKEN, "not a JWT (three base64url parts of JSON)");
    }
    if (jwt instanceof PlainJWT) {
      return new Verification.Invalid(AuthFailure.ALGORITHM_REFUSED, "unsigned tokens (alg none) are refused");
    }
    if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
      return new Verification.Invalid(AuthFailure.ALGORITHM_REFUSED, "encrypted tokens are not accepted");
    }
    JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
    if (!accepted.contains(algorithm)) {
      return new Verification.Invalid(
          AuthFailure.ALGORITHM_REFUSED,
          "algorithm " + algorithm + " is not accepted here; accepted: " + names(accepted));
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (BadJWTException e) {
      return claimFailure(e.getMessage());
    } catch (KeySourceException e) {
      return new Verification.Invalid(
          AuthFailure.KEYS_UNAVAILABLE, "the keys to verify the token could not be fetched; retry");
    } catch (BadJOSEException | JOSEException e) {
      return new Verification.Invalid(
          AuthFailure.BAD_SIGNATURE, "the signature does not verify with any key of this server");
    }
    return identity(claims);
  }

  /**
   * Nimbus says which claim failed only in its message; the tests of this class pin each one, so
   * a change of wording in a Nimbus upgrade fails them.
   */
  private static Verification claimFailure(String message) {
    String text = message == null ? "" : message;
    if (text.startsWith("Expired JWT")) {
      return new Verification.Invalid(AuthFailure.EXPIRED, "the token has expired (exp)");
    }
    if (text.contains("before use time")) {
      return new Verification.Invalid(AuthFailure.NOT_YET_VALID, "the token is not valid yet (nbf)");
    }
    if (text.contains("audience")) {
      return new Verification.Invalid(AuthFailure.WRONG_AUDIENCE, "the token is not meant for this server (aud)");
    }
    if (text.contains("iss claim") || text.contains("[iss]")) {
      return new Verification.Invalid(AuthFailure.WRONG_ISSUER, "the token is not from the expected issuer (iss)");
    }
    if (text.startsWith("JWT missing required claims")) {
      return new Verification.Invalid(
          AuthFailure.INVALID_CLAIMS,
          "the token lacks required claims: " + text.substring(text.indexOf(':') + 1).trim());
    }
    return new Verification.Invalid(AuthFailure.INVALID_CLAIMS, "the token's claims are not valid");
  }

  private Verification identity(JWTClaimsSet claims) {
    String userId = claims.getSubject();
    Optional<Violation> badUser = validator.id("sub", userId);
    if (badUser.isPresent()) {
      return invalidClaim("sub", badUser.get());
    }
    Optional<String> name;
    Optional<String> color;
    RoomGrants rooms;
    try {
      name = Optional.ofNullable(claims.getStringClaim(settings.nameClaim()));
      color = Optional.ofNullable(claims.getStringClaim(settings.colorClaim()));
      Object roomsClaim = claims.getClaim(settings.roomsClaim());
      rooms =
          roomsClaim == null
              ? new RoomGrants(Map.of())
              : RoomGrants.fromClaim(roomsClaim, settings.roomsClaim());
    } catch (ParseException e) {
      return new Verification.Invalid(
          AuthFailure.INVALID_CLAIMS,
          "claims " + settings.nameClaim() + " and " + settings.colorClaim() + " must be strings");
    } catch (RoomGrants.InvalidClaim e) {
      return new Verification.Invalid(AuthFailure.INVALID_CLAIMS, e.getMessage());
    }
    Optional<Violation> badName = name.flatMap(validator::name);
    if (badName.isPresent()) {
      return invalidClaim(settings.nameClaim(), badName.get());
    }
    Optional<Violation> badColor = color.flatMap(validator::color);
    if (badColor.isPresent()) {
      return invalidClaim(settings.colorClaim(), badColor.get());
    }
    return new Verification.Valid(
        new Identity(
            userId,
            name,
            color,
            rooms,
            Optional.ofNullable(claims.getExpirationTime()).map(java.util.Date::toInstant)));
  }

  private static Verification invalidClaim(String claim, Violation violation) {
    return new Verification.Invalid(
        AuthFailure.INVALID_CLAIMS, "claim " + claim + " " + violation.message());
  }

  private static String names(Set<JWSAlgorithm> algorithms) {
    List<String> names = new ArrayList<>();
    algorithms.forEach(algorithm -> names.add(algorithm.getName()));
    names.sort(null);
    return String.join(", ", names);
  }

  /**
   * The JWKS, cached for {@code jwks-cache}; a token naming a key id the cache lacks makes it
   * fetch the set again (rate-limited by {@code jwks-min-refresh-interval}), which is how a key
   * rotation reaches the node. A {@code file:} URL is read from disk the same way.
   */
  private static JWKSource<SecurityContext> jwkSource(AuthSettings settings) {
    URL url;
    try {
      url = URI.create(settings.jwksUrl().get()).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parley.auth.jwks-url is not a URL: " + settings.jwksUrl().get(), e);
    }
    int timeout = (int) settings.jwksTimeout().toMillis();
    ResourceRetriever retriever =
        url.getProtocol().equals("file")
            ? JwtVerifier::readFile
            : new DefaultResourceRetriever(timeout, timeout, 1024 * 1024);
    long ttl = settings.jwksCacheTtl().toMillis();
    return JWKSourceBuilder.create(url, retriever)
        .cache(ttl, timeout)
        .rateLimited(settings.jwksMinRefreshInterval().toMillis())
        .build();
  }

  private static Resource readFile(URL url) throws IOException {
    try {
      return new Resource(
          Files.readString(Path.of(url.toURI()), StandardCharsets.UTF_8), "application/json");
    } catch (java.net.URISyntaxException e) {
      throw new IOException("not a file URL: " + url, e);
    }
  }
}
