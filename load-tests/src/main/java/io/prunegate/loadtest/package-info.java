/** PruneGate load-tests (see the module README and docs/architecture.md). */
package io.prunegate.loadtest;
