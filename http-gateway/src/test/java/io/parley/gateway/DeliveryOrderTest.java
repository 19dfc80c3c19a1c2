package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryOrderTest {

  @Test
  void theNextVersionIsDeliveredAndCounted() {
    DeliveryOrder order = new DeliveryOrder(4);
    assertThat(order.arrived(5)).isEqualTo(DeliveryOrder.Verdict.DELIVER);
    assertThat(order.lastVersion()).isEqualTo(5);
  }

  @Test
  void oldAndRepeatedVersionsAreDuplicates() {
    DeliveryOrder order = new DeliveryOrder(4);
    assertThat(order.arrived(4)).isEqualTo(DeliveryOrder.Verdict.DUPLICATE);
    assertThat(order.arrived(1)).isEqualTo(DeliveryOrder.Verdict.DUPLICATE);
    assertThat(order.lastVersion()).isEqualTo(4);
  }

  @Test
  void aVersionAfterAHoleIsAGapAndNotCounted() {
    DeliveryOrder order = new DeliveryOrder(4);
    assertThat(order.arrived(7)).isEqualTo(DeliveryOrder.Verdict.GAP);
    assertThat(order.lastVersion()).isEqualTo(4);
  }
}
