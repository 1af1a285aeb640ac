package io.prunegate.pruner.jobs;

/**
 * The worker no longer holds the job's lease (it expired and another worker claimed the job, or the
 * job was ended elsewhere): the work stops without failing or finishing the job, since its new
 * holder owns it now.
 */
public final class LeaseLostException extends RuntimeException {

  public LeaseLostException(String message) {
    super(message);
  }
}
