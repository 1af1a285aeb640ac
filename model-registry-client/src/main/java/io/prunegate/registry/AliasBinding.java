package io.prunegate.registry;

import java.time.Instant;

/**
 * An alias of a model ({@code champion}, {@code challenger}, {@code shadow}, ...) and its version.
 */
public record AliasBinding(String model, String alias, int version, Instant updatedAt) {}
