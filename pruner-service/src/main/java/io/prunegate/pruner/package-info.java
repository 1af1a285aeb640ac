/** PruneGate pruner-service (see the module README and docs/architecture.md). */
package io.prunegate.pruner;
