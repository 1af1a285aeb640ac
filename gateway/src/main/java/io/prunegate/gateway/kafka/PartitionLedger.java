package io.prunegate.gateway.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The requests of one partition that were polled and are not yet settled, by offset. The offset a
 * partition may commit is that of its oldest unsettled request (or the one after the last polled,
 * when none is open), so a commit never passes a request whose answer is not safely written.
 *
 * <p>At-least-once: a request settles when the producer acknowledged its answer ({@link #settle}).
 * Exactly-once: its answer is parked ({@link #park}) and the consumer thread moves the contiguous
 * prefix of parked answers into a transaction ({@link #drainParked}), so the results and the
 * offsets committed with them always cover exactly the same requests.
 *
 * <p>Thread-safe: the consumer thread adds and drains; answer callbacks settle and park.
 */
public final class PartitionLedger {

  /**
   * The parked answers of one request (its result, and its shadow's when it was copied), or {@link
   * #OPEN} while the request is being answered.
   */
  private record Slot(List<ProducerRecord<byte[], byte[]>> answers) {}

  private static final Slot OPEN = new Slot(List.of());

  private final ConcurrentSkipListMap<Long, Slot> slots = new ConcurrentSkipListMap<>();
  private volatile long next = -1;

  /** A request was polled at {@code offset} (consumer thread, ascending offsets). */
  public void received(long offset) {
    slots.put(offset, OPEN);
    next = offset + 1;
  }

  /** The answer to {@code offset} is acknowledged (at-least-once). */
  public void settle(long offset) {
    slots.remove(offset);
  }

  /** The answer to {@code offset} is ready to go out in the next transaction (exactly-once). */
  public void park(long offset, ProducerRecord<byte[], byte[]> answer) {
    park(offset, List.of(answer));
  }

  /**
   * The answers to {@code offset} (its result and its shadow's) are ready to go out together in the
   * next transaction (exactly-once).
   */
  public void park(long offset, List<ProducerRecord<byte[], byte[]>> answers) {
    slots.replace(offset, new Slot(List.copyOf(answers)));
  }

  /**
   * Removes and returns the parked answers at the head of the ledger, in offset order, up to the
   * first request still open (consumer thread).
   */
  public List<ProducerRecord<byte[], byte[]>> drainParked() {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (Map.Entry<Long, Slot> e : slots.entrySet()) {
      if (e.getValue() == OPEN) {
        break;
      }
      out.addAll(e.getValue().answers());
      slots.remove(e.getKey());
    }
    return out;
  }

  /** The offset to commit: the oldest unsettled request, else the next to poll; -1 if unknown. */
  public long committable() {
    Map.Entry<Long, Slot> first = slots.firstEntry();
    return first == null ? next : first.getKey();
  }

  /** Requests not yet settled (open or parked). */
  public int unsettled() {
    return slots.size();
  }
}
