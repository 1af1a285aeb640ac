/**
 * The pruner service: compression methods (chip-tuning, FinerCut, LLM-Pruner with LoRA recovery),
 * their evaluation, the event-driven job service and the {@code prune} CLI.
 */
package io.prunegate.pruner;
