/**
 * The blocking Java client of the registry (java.net.http, Resilience4j retries, resumable and
 * verified downloads into a local cache), used by the gateway and the pruner.
 */
package io.prunegate.registry.client;
