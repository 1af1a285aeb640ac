/** The compression job queue: create, claim with a lease, progress, finish, fail. */
package io.prunegate.registry.jobs;
