/** Content-addressed artifact blobs on the local filesystem, and their garbage collection. */
package io.prunegate.registry.artifacts;
