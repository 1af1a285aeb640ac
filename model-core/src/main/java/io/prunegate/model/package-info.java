/** PruneGate model-core (see the module README and docs/architecture.md). */
package io.prunegate.model;
