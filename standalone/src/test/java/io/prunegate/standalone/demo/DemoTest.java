package io.prunegate.standalone.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ModelRef;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.service.ExperimentStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo as {@code prunegate demo --once} does, on a smaller workload, twice in one work
 * directory: the first run trains, prunes, switches and measures; the second reuses what the first
 * left (Kafka log, registry state, imported model) and says so.
 */
class DemoTest {

  @TempDir Path work;

  private DemoOptions options() {
    // 40 test texts, 40 requests per phase, free ports: small enough for the default test run.
    return new DemoOptions(
        work,
        true,
        false,
        "support-tickets",
        40,
        40,
        4,
        0.5,
        0,
        0,
        0,
        2,
        Duration.ofMinutes(8),
        Optional.empty());
  }

  @Test
  void demoRunsEveryMethodMeasuresEveryVariantServesTheBestThenReusesItsState() throws IOException {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    DemoSummary s;
    try (Demo demo = new Demo(options(), console(first))) {
      s = demo.run();
    }
    String out1 = first.toString(StandardCharsets.UTF_8);
    String report = DemoReport.render(s, options());
    System.out.println(out1 + report);

    assertTrue(s.allAnswered(), report);
    assertTrue(s.liveSent() > 0, report);
    VariantRow champion = s.rows().get(0);
    assertEquals(ModelRef.CHAMPION, champion.alias(), report);
    VariantRow challenger = s.row(ModelRef.CHALLENGER);
    assertEquals(champion.parentLayers(), champion.layers(), report);
    // The built-in policy runs all three methods: each registered a variant, each measured.
    for (String method : List.of("chip", "finercut", "llm-pruner")) {
      assertFalse(s.rowsOf(method).isEmpty(), method + " has no row:\n" + report);
    }
    assertTrue(List.of("chip", "finercut", "llm-pruner").contains(challenger.method()), report);
    assertEquals("best", challenger.verdict(), report);
    assertTrue(challenger.version() > champion.version(), report);
    for (VariantRow r : s.rows()) {
      // Every request addressed to a variant was answered ok by that variant's version.
      AliasMeasurement m = r.measurement();
      assertEquals(m.sent(), m.ok(), report);
      assertEquals(Map.of("v" + r.version(), m.sent()), m.servedBy(), report);
      assertTrue(r.parameters() <= champion.parameters(), report);
      // Five classes (chance 20%): every variant must have learnt the task.
      assertTrue(m.accuracy() > 0.6, r.variant() + "\n" + report);
      assertTrue(m.throughputPerSecond() > 0 && m.latency().count() == 40, report);
    }
    // FinerCut removed sublayers, LLM-Pruner heads and FFN channels: the table shows what each
    // kept.
    VariantRow finercut = s.rowsOf("finercut").get(0);
    assertTrue(
        finercut.kept().attentionSublayers() + finercut.kept().ffnSublayers()
            < 2 * finercut.parentLayers(),
        report);
    VariantRow llm = s.rowsOf("llm-pruner").get(0);
    assertTrue(
        llm.kept().ffnChannels() < champion.kept().ffnChannels()
            || llm.kept().attentionHeads() < champion.kept().attentionHeads(),
        report);
    // Once loaded, the challenger took its share of the live traffic to the bare model name.
    assertTrue(
        s.liveServedBy().containsKey("v" + challenger.version() + "/challenger"),
        s.liveServedBy().toString());
    DemoSummary.Report pareto = s.paretoReport().orElseThrow(() -> new AssertionError(report));
    assertTrue(Files.readString(pareto.path()).contains("<svg"), pareto.toString());
    assertTrue(report.contains("Pareto report: " + pareto.path()), report);
    assertTrue(report.contains("pruner policy: methods [chip, finercut, llm-pruner]"), report);
    // The A/B experiment: the test tickets' labels joined with their answers, a final verdict,
    // acted on through the registry.
    AbExperiment.Outcome ab = s.experiment();
    ExperimentStatus judged = ab.status().orElseThrow(() -> new AssertionError(report));
    assertEquals(champion.version(), judged.experiment().championVersion(), report);
    assertEquals(challenger.version(), judged.experiment().challengerVersion(), report);
    assertEquals(ab.sent(), ab.labelled(), report);
    assertTrue(
        judged.champion().tally().labelled() + judged.challenger().tally().labelled()
            >= 2 * AbExperiment.POLICY.defaults().minLabelledPerArm(),
        report);
    // About 50 labels per arm may decide or not (the interval is wide): either way the registry
    // must say what the verdict says.
    if (judged.verdict() instanceof Verdict.Promote) {
      assertEquals(challenger.version(), ab.championAfter(), report);
      assertTrue(
          judged.action() != null
              && judged.action().changes().contains("champion -> " + challenger.version()),
          report);
    } else if (judged.verdict() instanceof Verdict.Rollback) {
      assertEquals(champion.version(), ab.championAfter(), report);
      assertTrue(judged.action() != null, report);
    } else {
      assertEquals(champion.version(), ab.championAfter(), report);
      assertTrue(report.contains("no verdict: every label is in"), report);
    }
    assertTrue(report.contains("A/B experiment: 100 test tickets"), report);
    assertTrue(report.contains("policy: non-inferiority margin 20 points"), report);
    assertTrue(report.contains("champion afterwards: v" + ab.championAfter()), report);
    assertTrue(report.contains("/v2/models/support-tickets/infer"), report);
    assertTrue(report.contains("/metrics"), report);

    ByteArrayOutputStream second = new ByteArrayOutputStream();
    DemoSummary s2;
    try (Demo demo = new Demo(options(), console(second))) {
      s2 = demo.run();
    }
    String out2 = second.toString(StandardCharsets.UTF_8);
    System.out.println(out2 + DemoReport.render(s2, options()));
    assertTrue(s2.allAnswered(), out2);
    assertTrue(out2.contains("reusing Kafka data directory"), out2);
    assertTrue(out2.contains("reusing cached bge-small import"), out2);
    assertTrue(
        out2.contains("reusing registered champion support-tickets v" + champion.version()), out2);
    assertTrue(out2.contains("reusing the challenger v" + challenger.version()), out2);
    assertTrue(out2.contains("to replay it"), out2);
    // the second run's experiment is a new one, judged on this run's labels only
    ExperimentStatus judged2 = s2.experiment().status().orElseThrow(() -> new AssertionError(out2));
    assertTrue(judged2.experiment().startMs() > judged.experiment().startMs(), out2);
    assertTrue(
        judged2.champion().tally().labelled() + judged2.challenger().tally().labelled()
            <= s2.experiment().labelled(),
        out2);
    assertEquals(challenger.version(), s2.row(ModelRef.CHALLENGER).version());
    assertEquals(s.rows().size(), s2.rows().size(), out2);
    for (VariantRow r : s2.rows()) {
      AliasMeasurement m2 = r.measurement();
      assertEquals(Map.of("v" + r.version(), m2.sent()), m2.servedBy(), out2);
    }
    assertTrue(s2.paretoReport().isPresent(), out2);
  }

  private static DemoConsole console(ByteArrayOutputStream buf) {
    return new DemoConsole(new PrintStream(buf, true, StandardCharsets.UTF_8), Demo.STEPS);
  }
}
