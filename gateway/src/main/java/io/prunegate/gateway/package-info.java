/** PruneGate gateway (see the module README and docs/architecture.md). */
package io.prunegate.gateway;
