/**
 * The contract between the job service and a compression method: {@code CompressionMethod} (one
 * implementation per method, each in its feature package: {@code chip}, {@code finercut}, {@code
 * llmpruner}), the {@code CompressionRequest} it receives for one policy entry and the {@code
 * Candidate} bundles it returns. Kept apart from the service so that methods depend on this small
 * contract, not on the service that runs them.
 */
package io.prunegate.pruner.method;
