package io.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  private static final Optional<String> HOST = Optional.of("parley.example.com");

  @Test
  void withoutAnOriginTheRequestIsNotFromAPageAndPasses() {
    assertThat(new OriginPolicy(List.of(), false).allows(Optional.empty(), HOST)).isTrue();
  }

  @Test
  void theServersOwnOriginPassesWhateverTheScheme() {
    OriginPolicy production = new OriginPolicy(List.of(), false);
    assertThat(production.allows(Optional.of("https://parley.example.com"), HOST)).isTrue();
    assertThat(production.allows(Optional.of("http://PARLEY.example.com"), HOST)).isTrue();
    assertThat(production.allows(Optional.of("https://parley.example.com:8443"), HOST)).isFalse();
  }

  @Test
  void otherOriginsOnlyWhenListed() {
    OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com/"), false);
    assertThat(policy.allows(Optional.of("https://app.example.com"), HOST)).isTrue();
    assertThat(policy.allows(Optional.of("http://evil.example"), HOST)).isFalse();
    assertThat(policy.allows(Optional.of("null"), HOST)).isFalse();
    assertThat(policy.allows(Optional.of("not a url"), HOST)).isFalse();
    assertThat(new OriginPolicy(List.of("*"), false).allows(Optional.of("http://evil.example"), HOST)).isTrue();
  }

  @Test
  void loopbackPagesOnlyInDevelopment() {
    Optional<String> vite = Optional.of("http://localhost:5173");
    assertThat(new OriginPolicy(List.of(), true).allows(vite, Optional.of("127.0.0.1:8080"))).isTrue();
    assertThat(new OriginPolicy(List.of(), true).allows(Optional.of("http://127.0.0.1:3000"), HOST)).isTrue();
    assertThat(new OriginPolicy(List.of(), false).allows(vite, Optional.of("127.0.0.1:8080"))).isFalse();
    assertThat(new OriginPolicy(List.of(), true).allows(Optional.of("http://localhost.evil.example"), HOST)).isFalse();
  }
}
