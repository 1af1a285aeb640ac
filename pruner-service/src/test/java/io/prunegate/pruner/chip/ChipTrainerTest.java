package io.prunegate.pruner.chip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TorchRuntime;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chip training on synthetic features whose class signal grows with depth: accuracy follows the
 * signal, training is deterministic for a seed, and the folded standardisation gives the same
 * predictions on raw features as training saw on standardised ones.
 */
class ChipTrainerTest {

  private static final int DIM = 32;
  private static final int CLASSES = 3;
  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager();
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  /** Rows of a Gaussian per class, centred at {@code signal} times a class direction, offset. */
  private static float[] features(int[] labels, double signal, long seed) {
    Random r = new Random(seed);
    float[] x = new float[labels.length * DIM];
    for (int i = 0; i < labels.length; i++) {
      for (int k = 0; k < DIM; k++) {
        double centre = (k % CLASSES == labels[i] ? signal : 0) + 5.0 + 3 * k;
        x[i * DIM + k] = (float) (centre + r.nextGaussian() * (1 + k % 4));
      }
    }
    return x;
  }

  private static int[] labels(int n, long seed) {
    Random r = new Random(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(CLASSES);
    }
    return y;
  }

  private record Data(List<float[]> train, int[] trainY, List<float[]> val, int[] valY) {}

  private static Data data() {
    int[] trainY = labels(600, 1);
    int[] valY = labels(300, 2);
    double[] signal = {0.0, 0.6, 3.0};
    List<float[]> train = new ArrayList<>();
    List<float[]> val = new ArrayList<>();
    for (int d = 0; d < signal.length; d++) {
      train.add(features(trainY, signal[d], 10 + d));
      val.add(features(valY, signal[d], 20 + d));
    }
    return new Data(train, trainY, val, valY);
  }

  private static ChipTrainer.Trained train(ChipKind kind, long seed, Data d) {
    return train(kind, seed, 1, d);
  }

  private static ChipTrainer.Trained train(ChipKind kind, long seed, int members, Data d) {
    ChipTrainer.Settings s = new ChipTrainer.Settings(16, 3e-3, 0.01, 32, 30, 4);
    return new ChipTrainer(kind, s, seed, members)
        .train(
            manager,
            new int[] {1, 2, 3},
            d.train(),
            d.trainY(),
            d.val(),
            d.valY(),
            CLASSES,
            DIM,
            ProgressListener.NONE);
  }

  @Test
  void accuracyFollowsTheSignalAndFoldingKeepsPredictions() {
    Data d = data();
    for (ChipKind kind : ChipKind.values()) {
      ChipTrainer.Trained t = train(kind, 5, d);
      double[] acc = t.validationAccuracy();
      assertTrue(acc[0] < 0.45, kind + " no-signal layer: " + acc[0]);
      assertTrue(acc[1] > acc[0] + 0.1, kind + " weak-signal layer: " + acc[1]);
      assertTrue(acc[2] > 0.95, kind + " strong-signal layer: " + acc[2]);
      for (int i = 0; i < 3; i++) {
        ChipWeights c = t.chips().get(i);
        assertEquals(i + 1, c.depth());
        assertEquals(kind, c.kind());
        float[] p = c.probabilities(d.val().get(i), d.valY().length);
        assertEquals(acc[i], ChipTuner.accuracy(p, d.valY(), CLASSES), 0.0101);
        assertTrue(t.bestEpoch()[i] >= 1 && t.bestEpoch()[i] <= t.epochs());
      }
    }
  }

  @Test
  void deterministicForASeed() {
    Data d = data();
    ChipTrainer.Trained a = train(ChipKind.MLP, 9, d);
    ChipTrainer.Trained b = train(ChipKind.MLP, 9, d);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(a.chips().get(i).w1(), b.chips().get(i).w1());
      assertArrayEquals(a.chips().get(i).w2(), b.chips().get(i).w2());
      assertArrayEquals(a.chips().get(i).b2(), b.chips().get(i).b2());
    }
    assertArrayEquals(a.validationLoss(), b.validationLoss());
  }

  @Test
  void anEnsembleIsTheMergeOfItsSeedsAndReportsTheMergedChipsScores() {
    Data d = data();
    for (ChipKind kind : ChipKind.values()) {
      ChipTrainer.Trained ensemble = train(kind, 5, 3, d);
      List<ChipTrainer.Trained> seeds =
          List.of(train(kind, 5, d), train(kind, 6, d), train(kind, 7, d));
      for (int i = 0; i < 3; i++) {
        int slice = i;
        ChipWeights expected =
            ChipEnsemble.merge(seeds.stream().map(t -> t.chips().get(slice)).toList());
        ChipWeights merged = ensemble.chips().get(i);
        assertEquals(kind == ChipKind.MLP ? 3 * 16 : 0, merged.hidden());
        assertArrayEquals(expected.w1(), merged.w1());
        assertArrayEquals(expected.b1(), merged.b1());
        float[] p = merged.probabilities(d.val().get(i), d.valY().length);
        assertEquals(
            ChipTuner.accuracy(p, d.valY(), CLASSES), ensemble.validationAccuracy()[i], 1e-12);
        double loss = 0;
        for (int r = 0; r < d.valY().length; r++) {
          loss -= Math.log(p[r * CLASSES + d.valY()[r]]) / d.valY().length;
        }
        assertEquals(loss, ensemble.validationLoss()[i], 1e-6);
      }
      assertTrue(ensemble.validationAccuracy()[2] > 0.95, kind + " strong-signal layer");
    }
  }
}
