package io.prunegate.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class PartitionLedgerTest {

  @Test
  void commitsOnlyUpToTheOldestUnsettledRequest() {
    PartitionLedger l = new PartitionLedger();
    assertEquals(-1, l.committable(), "nothing polled yet");
    for (long o = 10; o < 15; o++) {
      l.received(o);
    }
    assertEquals(10, l.committable());
    l.settle(11);
    l.settle(12);
    assertEquals(10, l.committable(), "a gap holds the commit back");
    l.settle(10);
    assertEquals(13, l.committable());
    l.settle(14);
    l.settle(13);
    assertEquals(15, l.committable(), "all settled: the next offset to poll");
    assertEquals(0, l.unsettled());
  }

  @Test
  void drainsParkedAnswersInOffsetOrderUpToTheFirstOpenOne() {
    PartitionLedger l = new PartitionLedger();
    for (long o = 0; o < 4; o++) {
      l.received(o);
    }
    l.park(1, record("b"));
    l.park(0, record("a"));
    l.park(3, record("d"));
    List<ProducerRecord<byte[], byte[]>> first = l.drainParked();
    assertEquals(List.of("a", "b"), first.stream().map(r -> new String(r.value())).toList());
    assertEquals(2, l.committable(), "offset 2 is still open");
    l.park(2, record("c"));
    assertEquals(
        List.of("c", "d"), l.drainParked().stream().map(r -> new String(r.value())).toList());
    assertEquals(4, l.committable());
  }

  private static ProducerRecord<byte[], byte[]> record(String v) {
    return new ProducerRecord<>("t", v.getBytes());
  }
}
