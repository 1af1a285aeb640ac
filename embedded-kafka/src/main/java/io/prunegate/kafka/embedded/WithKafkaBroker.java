package io.prunegate.kafka.embedded;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a real in-process KRaft broker on a free port: declare a parameter of
 * type {@link EmbeddedKafka} (or {@link KafkaBroker}) on a test, lifecycle method or constructor.
 * With {@code shared = true} one broker serves every such class of the test run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KafkaBrokerExtension.class)
public @interface WithKafkaBroker {

  /** One broker for all classes of the run (true) or one per class (false, the default). */
  boolean shared() default false;
}
