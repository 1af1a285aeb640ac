/**
 * The wire contracts of PruneGate: topic names, the records that travel on them, the Kafka header
 * names, and the one JSON codec that reads and writes them with strict, field-naming validation.
 */
package io.prunegate.events;
