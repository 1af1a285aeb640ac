package io.prunegate.registry.store;

/**
 * The outcome of an idempotent create: the entity, and whether this call created it (false when an
 * earlier request with the same idempotency key did).
 */
public record Created<T>(T value, boolean created) {}
