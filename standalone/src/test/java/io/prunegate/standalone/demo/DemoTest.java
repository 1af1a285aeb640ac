package io.prunegate.standalone.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ModelRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
        work, true, false, "support-tickets", 40, 40, 4, 0.5, 0, 0, 0, 2, Duration.ofMinutes(8));
  }

  @Test
  void demoAnswersEveryRequestAndServesTheChipTunedChallengerThenReusesItsState() {
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
    VariantRow champion = s.row(ModelRef.CHAMPION);
    VariantRow challenger = s.row(ModelRef.CHALLENGER);
    assertEquals(champion.parentLayers(), champion.layers(), report);
    assertEquals("chip", challenger.method(), report);
    assertTrue(challenger.version() > champion.version(), report);
    assertTrue(challenger.parameters() <= champion.parameters(), report);
    // Every request addressed to the challenger was answered ok by the challenger's version.
    AliasMeasurement m = challenger.measurement();
    assertEquals(m.sent(), m.ok(), report);
    assertEquals(Map.of("v" + challenger.version(), m.sent()), m.servedBy(), report);
    assertEquals(
        Map.of("v" + champion.version(), champion.measurement().sent()),
        champion.measurement().servedBy(),
        report);
    // Once loaded, the challenger took its share of the live traffic to the bare model name.
    assertTrue(
        s.liveServedBy().containsKey("v" + challenger.version() + "/challenger"),
        s.liveServedBy().toString());
    // Five classes (chance 20%): both variants must have learnt the task.
    assertTrue(champion.measurement().accuracy() > 0.6, report);
    assertTrue(m.accuracy() > 0.6, report);
    assertTrue(m.throughputPerSecond() > 0 && m.latency().count() == 40, report);
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
    assertEquals(challenger.version(), s2.row(ModelRef.CHALLENGER).version());
    AliasMeasurement m2 = s2.row(ModelRef.CHALLENGER).measurement();
    assertEquals(Map.of("v" + challenger.version(), m2.sent()), m2.servedBy(), out2);
  }

  private static DemoConsole console(ByteArrayOutputStream buf) {
    return new DemoConsole(new PrintStream(buf, true, StandardCharsets.UTF_8), Demo.STEPS);
  }
}
