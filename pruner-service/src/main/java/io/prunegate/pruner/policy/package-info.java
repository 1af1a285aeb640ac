/**
 * Compression policies: what a job compresses and how, as submitted ({@code CompressionPolicy} and
 * its {@code MethodSpec} entries, parsed strictly with errors that name the field), where its data
 * lives ({@code DataReference}) and how a job turns those references into dataset splits on disk
 * ({@code PolicyData}). Knows nothing of the methods that interpret an entry's parameters nor of
 * the job that runs it, so every other pruner package can depend on it.
 */
package io.prunegate.pruner.policy;
