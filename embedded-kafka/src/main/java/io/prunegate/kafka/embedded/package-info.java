/**
 * A real single-node Apache Kafka broker in KRaft mode, built from the Maven Central jars: {@link
 * io.prunegate.kafka.embedded.EmbeddedKafka} runs it in-process, {@link
 * io.prunegate.kafka.embedded.ChildProcessKafka} runs it in a child JVM that tests can kill and
 * restart, and {@link io.prunegate.kafka.embedded.KafkaBrokerExtension} gives JUnit 5 tests one.
 */
package io.prunegate.kafka.embedded;
