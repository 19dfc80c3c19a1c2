package io.parley.auth;

/** The outcome of checking a token. */
public sealed interface Verification {

  record Valid(Identity identity) implements Verification {}

  /** {@code message} says what is wrong in words a developer can act on; never the token. */
  record Invalid(AuthFailure reason, String message) implements Verification {}
}
