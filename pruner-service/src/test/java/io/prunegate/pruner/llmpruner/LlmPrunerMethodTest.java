package io.prunegate.pruner.llmpruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.pruner.jobs.CompressionMethods;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy entry of LLM-Pruner: parameters read with their defaults, errors naming fields. */
class LlmPrunerMethodTest {

  @Test
  void readsParametersAndDefaults() {
    MethodSpec spec =
        new MethodSpec(
            "llm-pruner",
            Map.of("ratios", List.of(0.2, 0.4), "estimator", "second", "lora_rank", 4),
            "methods[0]",
            "llm-pruner");
    LlmPrunerOptions o = LlmPrunerMethod.options(spec, 7L);
    assertEquals(ImportanceEstimator.SECOND_ORDER, o.estimator());
    assertEquals(GroupAggregation.SUM, o.aggregation());
    assertEquals(4, o.lora().rank());
    assertEquals(16f, o.lora().alpha());
    assertEquals(0.05f, o.lora().dropout());
    assertEquals(256, o.calibrationSamples());
    assertTrue(o.recover());
    CompressionPolicy p =
        CompressionPolicy.parse(
            "{\"methods\": [{\"method\": \"llm-pruner\", \"ratios\": [0.2, 0.4]}],"
                + " \"data\": {\"train\": \"t\"}}");
    assertEquals(1, CompressionMethods.builtin().validate(p).size());
  }

  @Test
  void badParametersNameTheirField() {
    assertField("methods[0].ratios", Map.of("ratios", List.of(1.5)));
    assertField("methods[0].estimator", Map.of("estimator", "third"));
    assertField("methods[0].aggregation", Map.of("aggregation", "median"));
    assertField("methods[0].lora_rank", Map.of("lora_rank", 0));
    assertField("methods[0].ratio", Map.of("ratio", 0.2));
  }

  private static void assertField(String field, Map<String, Object> params) {
    MethodSpec spec = new MethodSpec("llm-pruner", params, "methods[0]", "llm-pruner");
    PolicyException e =
        assertThrows(PolicyException.class, () -> new LlmPrunerMethod().validate(spec));
    assertEquals(field, e.field(), e.getMessage());
  }
}
