/**
 * PruneGate model registry: the records its REST API and Java client share (models, versions with
 * artifacts and lineage, aliases, jobs, pages), the naming rules, and the one JSON mapping of the
 * REST representations ({@link io.prunegate.registry.RegistryJson}). The service itself is {@link
 * io.prunegate.registry.server.RegistryServer}; the client is {@link
 * io.prunegate.registry.client.RegistryClient}. See the module README.
 */
package io.prunegate.registry;
