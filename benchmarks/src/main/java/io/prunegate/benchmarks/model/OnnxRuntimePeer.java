package io.prunegate.benchmarks.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.prunegate.model.runtime.TokenBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * ONNX Runtime running the original ONNX file of a BERT-family encoder: the independent
 * implementation the runtime's parity tests compare against, and the speed peer of its benchmarks.
 * Graph optimizations are on (ORT's default, fused attention and GELU), threads as given.
 */
public final class OnnxRuntimePeer implements AutoCloseable {

  private final OrtSession session;
  private final boolean hasTokenTypes;

  public OnnxRuntimePeer(Path onnx, int intraOpThreads) {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (intraOpThreads > 0) {
        options.setIntraOpNumThreads(intraOpThreads);
      }
      options.setInterOpNumThreads(1);
      session = env.createSession(onnx.toString(), options);
      hasTokenTypes = session.getInputNames().contains("token_type_ids");
    } catch (OrtException e) {
      throw new IllegalStateException(
          onnx + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  /** The last hidden state, row-major [B, T, D]. */
  public float[] lastHidden(TokenBatch batch) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = {batch.batchSize(), batch.seqLen()};
    long[] mask = new long[batch.ids().length];
    for (int b = 0; b < batch.batchSize(); b++) {
      for (int t = 0; t < batch.lengths()[b]; t++) {
        mask[b * batch.seqLen() + t] = 1;
      }
    }
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (hasTokenTypes) {
        inputs.put(
            "token_type_ids",
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch.ids().length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxTensor out = (OnnxTensor) result.get(0);
        FloatBuffer fb = out.getFloatBuffer();
        float[] values = new float[fb.remaining()];
        fb.get(values);
        return values;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime inference failed: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
