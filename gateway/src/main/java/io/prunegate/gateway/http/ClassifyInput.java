package io.prunegate.gateway.http;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.InvalidRecordException;
import io.prunegate.events.RequestRules;
import java.util.UUID;

/**
 * The request of a {@code POST /v1/classify} body: the Kafka request record's fields under the same
 * names, checked by the same {@link RequestRules}; only the id is optional here (a random one is
 * given).
 */
final class ClassifyInput {

  private ClassifyInput() {}

  static ClassificationRequest parse(byte[] body) {
    HttpBodies.ClassifyRequest b = HttpBodies.read(body, HttpBodies.ClassifyRequest.class);
    try {
      return RequestRules.request(
          b.id() != null ? b.id() : UUID.randomUUID().toString(),
          b.text(),
          b.model(),
          b.key(),
          b.deadlineMs());
    } catch (InvalidRecordException e) {
      throw HttpProblem.of(e);
    }
  }
}
