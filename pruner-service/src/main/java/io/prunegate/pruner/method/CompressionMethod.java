package io.prunegate.pruner.method;

import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.List;

/**
 * A compression method the pruner service can run for a policy entry. One class per method: it
 * names itself, checks its policy parameters, and turns the parent model into candidate variant
 * bundles. The service does everything else the same way for every method: it evaluates each
 * candidate with the same evaluator, registers it with lineage, compares it in the Pareto table and
 * promotes the best accepted one.
 *
 * <p>To add a method (FinerCut, LLM-Pruner): write a class implementing this interface in its
 * feature package, and add one instance to {@link
 * io.prunegate.pruner.jobs.CompressionMethods#builtin}. A policy naming a method that is not in the
 * catalogue fails its job with a message listing the available ones.
 *
 * <p>Contract of {@link #compress}: write every candidate as a complete variant bundle (HF files,
 * {@code chips.safetensors}, {@code manifest.json}, see {@code VariantBundle}) in its own directory
 * under {@link CompressionRequest#outputDir()}; candidates must be classifiers (carry chips) so
 * that the evaluator can measure their accuracy on the labelled validation split. Report progress
 * through the listener (it also keeps the job's lease alive; it throws {@link
 * io.prunegate.pruner.jobs.LeaseLostException} when the job was handed to another worker, which
 * must propagate). Given the same inputs, a method should produce the same candidate names, so that
 * a retried job recognises the variants it registered before.
 */
public interface CompressionMethod {

  /** The name policies use ({@code method} field), e.g. {@code chip}. */
  String name();

  /**
   * Checks the entry's parameters before any work starts; throws {@link PolicyException} naming the
   * field ({@link MethodSpec.Reader} does). Also called when the service loads its policy.
   */
  void validate(MethodSpec spec);

  /**
   * Compresses the parent model and returns the candidates, in the order they should be listed.
   *
   * @throws PolicyException for parameters that only turn out wrong with the data (e.g. a layer
   *     beyond the model's depth)
   * @throws Exception for anything else; the job fails with its message
   */
  List<Candidate> compress(CompressionRequest request, ProgressListener progress) throws Exception;
}
