package io.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RoomGrantsTest {

  private static RoomGrants grants(Map<String, Permission> patterns) {
    return new RoomGrants(patterns);
  }

  @Test
  void patternsMatchWithStars() {
    assertThat(RoomGrants.matches("team-*", "team-red")).isTrue();
    assertThat(RoomGrants.matches("team-*", "team-")).isTrue();
    assertThat(RoomGrants.matches("team-*", "teams")).isFalse();
    assertThat(RoomGrants.matches("*-audit", "red-audit")).isTrue();
    assertThat(RoomGrants.matches("a*b*c", "axxbyyc")).isTrue();
    assertThat(RoomGrants.matches("a*b*c", "axxbyy")).isFalse();
    assertThat(RoomGrants.matches("*", "anything")).isTrue();
    assertThat(RoomGrants.matches("lobby", "lobby2")).isFalse();
  }

  @Test
  void theMostSpecificPatternDecidesWhateverTheOrder() {
    Map<String, Permission> patterns = new LinkedHashMap<>();
    patterns.put("team-audit", Permission.READ);
    patterns.put("team-*", Permission.WRITE);
    patterns.put("*", Permission.READ);
    RoomGrants grants = grants(patterns);
    assertThat(grants.forRoom("team-audit")).contains(Permission.READ);
    assertThat(grants.forRoom("team-red")).contains(Permission.WRITE);
    assertThat(grants.forRoom("lobby")).contains(Permission.READ);
  }

  @Test
  void betweenEquallySpecificPatternsTheLowerLevelWins() {
    RoomGrants grants = grants(Map.of("team-*", Permission.ADMIN, "*m-red", Permission.READ));
    // team-* and *m-red both have 5 literal characters
    assertThat(grants.forRoom("team-red")).contains(Permission.READ);
  }

  @Test
  void noMatchingPatternMeansNoAccess() {
    assertThat(grants(Map.of("team-*", Permission.WRITE)).forRoom("lobby")).isEmpty();
    assertThat(new RoomGrants(Map.of()).forRoom("lobby")).isEmpty();
  }

  @Test
  void aClaimThatIsNotAnObjectOfLevelsIsRefused() {
    for (Object claim :
        List.of("team-*", List.of("a"), Map.of("a", "owner"), Map.of("a", 1), Map.of("", "read"))) {
      assertThatThrownBy(() -> RoomGrants.fromClaim(claim, "rooms"))
          .as(String.valueOf(claim))
          .isInstanceOf(RoomGrants.InvalidClaim.class)
          .hasMessageContaining("rooms");
    }
  }

  @Test
  void aClaimWithTooManyPatternsIsRefused() {
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i <= RoomGrants.MAX_PATTERNS; i++) {
      many.put("room-" + i, "read");
    }
    assertThatThrownBy(() -> RoomGrants.fromClaim(many, "rooms"))
        .hasMessageContaining("more than " + RoomGrants.MAX_PATTERNS);
  }

  @Property
  void aStarMatchesEveryIdWithTheSamePrefix(
      @ForAll @AlphaChars @StringLength(max = 10) String prefix,
      @ForAll @AlphaChars @StringLength(max = 20) String rest) {
    assertThat(RoomGrants.matches(prefix + "*", prefix + rest)).isTrue();
    assertThat(RoomGrants.matches(prefix + rest, prefix + rest)).isTrue();
  }
}
