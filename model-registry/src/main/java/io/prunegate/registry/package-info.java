/** PruneGate model-registry (see the module README and docs/architecture.md). */
package io.prunegate.registry;
