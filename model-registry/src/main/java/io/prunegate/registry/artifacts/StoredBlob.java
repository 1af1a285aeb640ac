package io.prunegate.registry.artifacts;

/**
 * A blob in the artifact store, and whether the upload that produced it added it (vs.
 * deduplicated).
 */
public record StoredBlob(String sha256, long size, boolean created) {}
