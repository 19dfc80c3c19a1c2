package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {

  private final MessageAssembler message = new MessageAssembler(8);

  @Test
  void partsAreJoinedUpToTheLimitInUtf8Bytes() {
    message.text("ab");
    message.text("cdé");
    message.text("f");
    assertThat(message.finish()).isEqualTo(new InboundMessage.Text("abcdéf"));
  }

  @Test
  void oneByteOverTheLimitIsTooLargeAndTheNextMessageStartsAfresh() {
    message.text("12345");
    message.text("6789");
    assertThat(message.finish()).isEqualTo(InboundMessage.Refused.TOO_LARGE);
    message.text("12345678");
    assertThat(message.finish()).isEqualTo(new InboundMessage.Text("12345678"));
  }

  @Test
  void binaryIsRefusedWhateverItsSize() {
    message.binary();
    assertThat(message.finish()).isEqualTo(InboundMessage.Refused.BINARY);
    assertThat(message.finish()).isEqualTo(new InboundMessage.Text(""));
  }

  @Test
  void utf8LengthIsTheEncodedLength() {
    String text = "a\u00e9\u20ac\ud83d\ude00";
    assertThat(MessageAssembler.utf8Length(text))
        .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }
}
