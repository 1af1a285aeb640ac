package io.prunegate.registry.store;

import java.util.OptionalLong;

/** Tells the catalog whether a blob was uploaded, and its size: the artifact store's index. */
@FunctionalInterface
public interface BlobLookup {

  /** The size of the stored blob with this sha256, or empty when there is none. */
  OptionalLong sizeOf(String sha256);
}
