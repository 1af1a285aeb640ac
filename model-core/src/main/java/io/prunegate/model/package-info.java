/**
 * The transformer runtime of PruneGate on DJL's PyTorch engine: Hugging Face model directories
 * (safetensors, config.json, tokenizer.json), per-layer structure for pruned models, batched
 * forward with early exit, chips and variant bundles. No Kafka, no Vert.x.
 */
package io.prunegate.model;
