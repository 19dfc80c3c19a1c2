package io.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ColorPalette;
import io.parley.protocol.ErrorCode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HelloIdentityTest {

  private static ClientFrame.Hello hello(String userId, String name, String color) {
    return new ClientFrame.Hello(
        Optional.ofNullable(userId), Optional.ofNullable(name), Optional.ofNullable(color), Optional.empty());
  }

  private static Optional<Identity> token(String userId, String name, String color) {
    return Optional.of(
        new Identity(
            userId,
            Optional.ofNullable(name),
            Optional.ofNullable(color),
            RoomGrants.everyRoom(Permission.WRITE),
            Optional.empty()));
  }

  @Test
  void theTokenGivesTheIdentityAndTheHelloMayLeaveItOut() {
    assertThat(HelloIdentity.resolve(hello(null, null, null), token("ann", "Ann", "#123456")))
        .isEqualTo(new HelloIdentity.Resolved("ann", "Ann", "#123456"));
    assertThat(HelloIdentity.resolve(hello("ann", "Ann", null), token("ann", "Ann", null)))
        .isEqualTo(new HelloIdentity.Resolved("ann", "Ann", ColorPalette.forUser("ann")));
  }

  @Test
  void aTokenWithoutNameTakesTheHellosName() {
    assertThat(HelloIdentity.resolve(hello(null, "Annie", "#abcdef"), token("ann", null, null)))
        .isEqualTo(new HelloIdentity.Resolved("ann", "Annie", "#abcdef"));
    HelloIdentity.Resolution noName = HelloIdentity.resolve(hello(null, null, null), token("ann", null, null));
    assertThat(noName).isInstanceOf(HelloIdentity.Refused.class);
    assertThat(((HelloIdentity.Refused) noName).code()).isEqualTo(ErrorCode.INVALID_FIELD);
  }

  @Test
  void anotherUserIdNameOrColourIsImpersonation() {
    for (ClientFrame.Hello impersonation :
        new ClientFrame.Hello[] {hello("bob", null, null), hello(null, "Bob", null), hello(null, null, "#000000")}) {
      HelloIdentity.Resolution resolution = HelloIdentity.resolve(impersonation, token("ann", "Ann", "#123456"));
      assertThat(resolution).as(impersonation.toString()).isInstanceOf(HelloIdentity.Refused.class);
      assertThat(((HelloIdentity.Refused) resolution).code()).isEqualTo(ErrorCode.IDENTITY_MISMATCH);
    }
  }

  @Test
  void withoutAuthenticationTheHelloSaysWhoAndMustSayIt() {
    assertThat(HelloIdentity.resolve(hello("bob", "Bob", null), Optional.empty()))
        .isEqualTo(new HelloIdentity.Resolved("bob", "Bob", ColorPalette.forUser("bob")));
    for (ClientFrame.Hello incomplete : new ClientFrame.Hello[] {hello(null, "Bob", null), hello("bob", null, null)}) {
      HelloIdentity.Resolution resolution = HelloIdentity.resolve(incomplete, Optional.empty());
      assertThat(((HelloIdentity.Refused) resolution).code()).isEqualTo(ErrorCode.INVALID_FIELD);
    }
  }

  @Test
  void framesNeedTheirLevel() {
    assertThat(FramePermission.required(new ClientFrame.Chat("m", "hi"))).isEqualTo(Permission.WRITE);
    assertThat(FramePermission.required(new ClientFrame.ChangeKeys("c", java.util.List.of()))).isEqualTo(Permission.WRITE);
    assertThat(FramePermission.required(new ClientFrame.Cursor(1, 2, Optional.empty()))).isEqualTo(Permission.WRITE);
    assertThat(FramePermission.required(new ClientFrame.Ready("r", true))).isEqualTo(Permission.READ);
    assertThat(FramePermission.required(new ClientFrame.Focus("f", Optional.empty()))).isEqualTo(Permission.READ);
    assertThat(FramePermission.required(new ClientFrame.Ping(Optional.empty()))).isEqualTo(Permission.READ);
    assertThat(FramePermission.required(new ClientFrame.Kick("k", "bob"))).isEqualTo(Permission.ADMIN);
    assertThat(FramePermission.required(new ClientFrame.CloseRoom("x"))).isEqualTo(Permission.ADMIN);
    assertThat(Permission.ADMIN.includes(Permission.WRITE)).isTrue();
    assertThat(Permission.READ.includes(Permission.WRITE)).isFalse();
  }
}
