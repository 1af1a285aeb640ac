package io.prunegate.pruner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stages cover the job's progress once, in order, so what a job reports only grows. */
class JobStageTest {

  @Test
  void stagesTileTheWholeRangeInOrder() {
    List<Double> reported = new ArrayList<>();
    double previousStart = -1;
    for (JobStage s : JobStage.values()) {
      assertTrue(s.start() > previousStart, s + " starts after the stage before it");
      previousStart = s.start();
      s.begin((f, m) -> reported.add(f), s.name());
      for (int i = 0; i < 3; i++) {
        s.beginPart((f, m) -> reported.add(f), i, 3, s.name());
        s.part((f, m) -> reported.add(f), i, 3).update(1, s.name());
      }
      s.range((f, m) -> reported.add(f)).update(1, s.name());
    }
    for (int i = 1; i < reported.size(); i++) {
      assertTrue(reported.get(i) >= reported.get(i - 1) - 1e-12, "monotonic at " + i);
    }
    assertEquals(0.0, JobStage.PREPARING.start());
    assertEquals(1.0, reported.get(reported.size() - 1), 1e-9);
  }

  @Test
  void theStagesKeepTheProgressTheJobReportedBefore() {
    // the fractions JobRunner reported before its stages had names
    assertEquals(0.01, JobStage.DOWNLOADING.start(), 1e-9);
    assertEquals(0.04, JobStage.READING_DATA.start(), 1e-9);
    assertEquals(0.05, JobStage.COMPRESSING.start(), 1e-9);
    assertEquals(0.65, JobStage.BASELINE.start(), 1e-9);
    assertEquals(0.68, JobStage.EVALUATING.start(), 1e-9);
    assertEquals(0.97, JobStage.REPORTING.start(), 1e-9);
  }
}
