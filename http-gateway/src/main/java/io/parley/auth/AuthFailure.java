package io.parley.auth;

import java.util.Locale;

/** Why a token was refused; the wire form (lower case) is the {@code reason} of the answer. */
public enum AuthFailure {
  /** No token in the request. */
  MISSING_TOKEN,
  /** Not a JWT: not three base64url parts of JSON. */
  MALFORMED_TOKEN,
  /** An algorithm this server does not accept for it ({@code none}, or not the configured one). */
  ALGORITHM_REFUSED,
  /** No key of this server verifies the signature. */
  BAD_SIGNATURE,
  /** {@code exp} has passed (beyond the allowed clock skew). */
  EXPIRED,
  /** {@code nbf} is still ahead (beyond the allowed clock skew). */
  NOT_YET_VALID,
  /** {@code iss} is not the configured issuer. */
  WRONG_ISSUER,
  /** {@code aud} does not name the configured audience. */
  WRONG_AUDIENCE,
  /** A required claim is missing or not of the documented form. */
  INVALID_CLAIMS,
  /** The key set (JWKS) could not be fetched in time: the client may retry. */
  KEYS_UNAVAILABLE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
