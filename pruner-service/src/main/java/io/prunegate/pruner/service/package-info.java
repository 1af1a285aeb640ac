/**
 * The pruner service process: {@code PrunerService} wires the registry client, the Kafka listener
 * that turns model events into compression jobs ({@code ModelEventListener}) and the job workers;
 * {@code PrunerMain} is its command line ({@code serve}, {@code submit}, {@code policy}). The top
 * of the pruner's package graph: nothing else in the pruner depends on it.
 */
package io.prunegate.pruner.service;
