/** The relay that publishes the transactional outbox to the model-events topic. */
package io.prunegate.registry.outbox;
