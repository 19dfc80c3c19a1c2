package io.parley.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnicodeTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "é名前", "\uD83D\uDE00", "a\uD800\uDC00b\uDBFF\uDFFF", "\uFFFD\uFFFF"})
  void validTextHasNoLoneSurrogate(String text) {
    assertEquals(-1, Unicode.loneSurrogate(text));
    assertSame(text, Unicode.withoutLoneSurrogates(text));
  }

  @Test
  void theFirstLoneSurrogateIsFound() {
    assertEquals(0, Unicode.loneSurrogate("\uD800"));
    assertEquals(1, Unicode.loneSurrogate("a\uDC00b"));
    assertEquals(0, Unicode.loneSurrogate("\uDE00\uD83D"), "a low surrogate before a high one");
    assertEquals(0, Unicode.loneSurrogate("\uD83D\uD83D\uDE00"), "a high surrogate followed by a pair");
    assertEquals(3, Unicode.loneSurrogate("\uD83D\uDE00x\uD83D"), "a high surrogate at the end");
  }

  @Test
  void loneSurrogatesAreReplacedAndPairsKept() {
    assertEquals("\uFFFD", Unicode.withoutLoneSurrogates("\uD800"));
    assertEquals("a\uFFFDb\uD83D\uDE00\uFFFD", Unicode.withoutLoneSurrogates("a\uDC00b\uD83D\uDE00\uDFFF"));
    assertEquals("\uFFFD\uD83D\uDE00", Unicode.withoutLoneSurrogates("\uD83D\uD83D\uDE00"));
  }

  /** What the check stands for: the text can be encoded as UTF-8, as the journal and clients do. */
  @ParameterizedTest
  @ValueSource(strings = {"\uD800", "a\uDC00b", "\uDE00\uD83D", "ok", "\uD83D\uDE00"})
  void validExactlyWhenStrictUtf8CanEncodeIt(String text) {
    boolean encodable;
    try {
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
      encodable = true;
    } catch (CharacterCodingException e) {
      encodable = false;
    }
    assertEquals(encodable, Unicode.loneSurrogate(text) < 0, text);
    assertEquals(encodable, Unicode.withoutLoneSurrogates(text).equals(text), text);
  }

  @Test
  void aCharacterIsDescribedQuotedWhenVisibleAndByCodePointOtherwise() {
    assertEquals("'a'", Unicode.describe('a'));
    assertEquals("'é'", Unicode.describe('é'));
    assertEquals("'\ud83d\ude00'", Unicode.describe(0x1F600));
    assertEquals("a space", Unicode.describe(' '));
    assertEquals("U+000A", Unicode.describe('\n'));
    assertEquals("U+00A0", Unicode.describe(0xA0));
    assertEquals("U+FEFF", Unicode.describe(0xFEFF));
    assertEquals("U+200B", Unicode.describe(0x200B));
    assertEquals("U+D800", Unicode.describe(0xD800));
    assertEquals("U+E000", Unicode.describe(0xE000));
    assertEquals("U+0378", Unicode.describe(0x378));
  }
}
