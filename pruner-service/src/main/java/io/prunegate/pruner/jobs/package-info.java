/**
 * Running compression jobs: {@code JobWorker} claims jobs from the registry and runs each with
 * {@code JobRunner} (download, data, methods, evaluation, registration, report, alias) under a
 * heartbeated {@code JobLease}, checkpointing candidates so that a retried job resumes ({@code
 * CandidateCheckpoint}). Also the catalogue of methods this build runs ({@code CompressionMethods})
 * and the job type and payload shared with the submitters ({@code CompressionJobs}). Depends on
 * policies, methods and the Pareto comparison, never on the service process that hosts it.
 */
package io.prunegate.pruner.jobs;
