/**
 * The quickstart demo ({@code prunegate demo}): every service in one JVM on the shipped
 * support-ticket task, a chip-tuned challenger from the pruner, traffic and measurement through
 * Kafka; see {@code docs/demo.md}.
 */
package io.prunegate.standalone.demo;
