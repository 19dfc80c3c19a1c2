package io.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthSettingsTest {

  @TempDir Path dataDir;

  @Test
  void productionWithoutKeysRefusesToStart() {
    AuthSettings settings = AuthSettings.fromConfig(AuthFixtures.parley("mode = production"));
    assertThat(settings.refusal()).hasValueSatisfying(r -> assertThat(r).contains("PARLEY_AUTH_HS256_SECRET"));
    assertThatThrownBy(() -> Authentication.start(settings, AuthFixtures.validator(), Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void productionWithAuthenticationOffRefusesToStart() {
    AuthSettings settings =
        AuthSettings.fromConfig(
            AuthFixtures.parley("mode = production, auth.mode = none, auth.hs256-secret = \"" + AuthFixtures.SECRET + "\""));
    assertThat(settings.refusal()).hasValueSatisfying(r -> assertThat(r).contains("PARLEY_AUTH_MODE=none"));
  }

  @Test
  void unknownModesAreRefused() {
    assertThatThrownBy(() -> AuthSettings.fromConfig(AuthFixtures.parley("mode = prod")))
        .hasMessageContaining("development or production");
    assertThatThrownBy(() -> AuthSettings.fromConfig(AuthFixtures.parley("auth.mode = off")))
        .hasMessageContaining("jwt or none");
  }

  @Test
  void developmentGeneratesASecretOnceAndMintsTokensItAccepts() throws Exception {
    String overrides = "data-dir = \"" + dataDir + "\"";
    Authentication first =
        Authentication.start(AuthSettings.fromConfig(AuthFixtures.parley(overrides)), AuthFixtures.validator(), Clock.systemUTC());
    Path secret = dataDir.resolve("development-secret");
    assertThat(secret).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    String token =
        first.developmentTokens().orElseThrow()
            .mint("ann", java.util.Optional.of("Ann"), java.util.Optional.empty(), RoomGrants.everyRoom(Permission.WRITE), java.util.Optional.empty())
            .token();
    Authentication restarted =
        Authentication.start(AuthSettings.fromConfig(AuthFixtures.parley(overrides)), AuthFixtures.validator(), Clock.systemUTC());
    assertThat(restarted.verify(token)).as("a token minted before a restart").isInstanceOf(Verification.Valid.class);
  }

  @Test
  void productionHasNoDevelopmentTokens() {
    assertThat(AuthFixtures.hs256("").developmentTokens()).isEmpty();
  }

  @Test
  void allowedOriginsComeAsAListOrACommaSeparatedString() {
    assertThat(AuthSettings.fromConfig(AuthFixtures.parley("auth.allowed-origins = \"https://a.example, https://b.example\"")).allowedOrigins())
        .isEqualTo(List.of("https://a.example", "https://b.example"));
    assertThat(AuthSettings.fromConfig(AuthFixtures.parley("auth.allowed-origins = [\"https://a.example\"]")).allowedOrigins())
        .isEqualTo(List.of("https://a.example"));
  }

  @Test
  void secretsNeverShowInTheSettingsText() {
    AuthSettings settings =
        AuthSettings.fromConfig(
            AuthFixtures.parley("auth.hs256-secret = \"" + AuthFixtures.SECRET + "\", management.operator-token = op-secret-123"));
    assertThat(settings.toString()).doesNotContain(AuthFixtures.SECRET).doesNotContain("op-secret-123");
  }
}
