/**
 * The pruner's configuration: every option with its environment variable, flag and default ({@code
 * PrunerOptions}) and the validated settings built from them ({@code PrunerConfig}). A package of
 * its own because both the job runner and the service process read it; in either of theirs it would
 * make the two depend on each other.
 */
package io.prunegate.pruner.config;
