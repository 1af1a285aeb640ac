package io.prunegate.benchmarks.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.PhaseReport;
import io.prunegate.loadtest.TextSource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway benchmark on SST-2 dev sentences (quality profile: needs PRUNEGATE_DATA): raw batched
 * throughput of the champion, end-to-end throughput through Kafka (target ratio >= 0.85, printed,
 * not asserted: speed is judged from the printed figures), and latency at 50% and 80% of the
 * end-to-end throughput. Asserts that every request of every phase was answered ok.
 */
@Tag("quality")
@WithKafkaBroker(shared = true)
class GatewayBenchmarkTest {

  @Test
  void endToEndThroughputAgainstRawAndLatencyUnderLoad(EmbeddedKafka kafka) throws Exception {
    List<String> texts = TextSource.read(sst2Dev(), 0);
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("bench");
    GatewayBenchmark.Result r =
        GatewayBenchmark.run(
            new GatewayBenchmark.Options(
                kafka.bootstrapServers(),
                world.registry().baseUrl(),
                TestWorld.TOKEN,
                model,
                texts,
                4000,
                20,
                world.dir("bench"),
                GatewayOptions.TABLE.defaults()),
            System.out);
    System.out.printf(
        "gateway benchmark (2-core dev machine, shared with other builds): ratio %.2f -> %s%n",
        r.ratio(), r.ratio() >= 0.85 ? "TARGET MET" : "TARGET MISSED");
    for (PhaseReport p : List.of(r.saturation(), r.at50(), r.at80())) {
      assertEquals(0, p.missing(), p.name());
      assertEquals(p.sent(), p.byStatus().getOrDefault("ok", 0), p.name());
    }
    assertTrue(r.raw() > 0);
  }

  static Path sst2Dev() {
    String data = System.getenv("PRUNEGATE_DATA");
    if (data == null || data.isBlank()) {
      data = System.getProperty("prunegate.data");
    }
    if (data == null || data.isBlank()) {
      throw new IllegalStateException("the quality profile needs PRUNEGATE_DATA");
    }
    return Path.of(data, "sst2", "dev.tsv");
  }
}
