package io.parley.auth;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ColorPalette;
import io.parley.protocol.ErrorCode;
import java.util.Optional;

/**
 * Who a hello opens a session for. With a token, the token decides: the user id is its {@code
 * sub}, the name and colour its claims when it has them; a hello may leave them out, and one that
 * names another user, or another name or colour than the token's, is refused as impersonation.
 * Without authentication the hello says who, as it always did: user id and name required.
 */
public final class HelloIdentity {

  private HelloIdentity() {}

  /** The outcome. */
  public sealed interface Resolution {}

  public record Resolved(String userId, String name, String color) implements Resolution {}

  /** {@code code} is {@code invalid_field} (the connection stays) or {@code identity_mismatch}. */
  public record Refused(ErrorCode code, String field, String message) implements Resolution {}

  public static Resolution resolve(ClientFrame.Hello hello, Optional<Identity> token) {
    if (token.isEmpty()) {
      return unauthenticated(hello);
    }
    Identity identity = token.get();
    if (hello.userId().isPresent() && !hello.userId().get().equals(identity.userId())) {
      return new Refused(
          ErrorCode.IDENTITY_MISMATCH,
          "userId",
          "the token is for user " + identity.userId() + "; a hello cannot choose another user");
    }
    Optional<Refused> nameMismatch = mismatch("name", hello.name(), identity.name());
    if (nameMismatch.isPresent()) {
      return nameMismatch.get();
    }
    Optional<Refused> colorMismatch = mismatch("color", hello.color(), identity.color());
    if (colorMismatch.isPresent()) {
      return colorMismatch.get();
    }
    Optional<String> name = identity.name().or(hello::name);
    if (name.isEmpty()) {
      return new Refused(
          ErrorCode.INVALID_FIELD, "name", "is required: the token has no name claim");
    }
    String color =
        identity.color().or(hello::color).orElseGet(() -> ColorPalette.forUser(identity.userId()));
    return new Resolved(identity.userId(), name.get(), color);
  }

  private static Resolution unauthenticated(ClientFrame.Hello hello) {
    if (hello.userId().isEmpty()) {
      return new Refused(ErrorCode.INVALID_FIELD, "userId", "is required (a string)");
    }
    if (hello.name().isEmpty()) {
      return new Refused(ErrorCode.INVALID_FIELD, "name", "is required (a string)");
    }
    String userId = hello.userId().get();
    return new Resolved(
        userId, hello.name().get(), hello.color().orElseGet(() -> ColorPalette.forUser(userId)));
  }

  private static Optional<Refused> mismatch(
      String field, Optional<String> fromHello, Optional<String> fromToken) {
    if (fromHello.isPresent() && fromToken.isPresent() && !fromHello.get().equals(fromToken.get())) {
      return Optional.of(
          new Refused(
              ErrorCode.IDENTITY_MISMATCH,
              field,
              "the token sets the " + field + "; leave it out of the hello or send the same"));
    }
    return Optional.empty();
  }
}
