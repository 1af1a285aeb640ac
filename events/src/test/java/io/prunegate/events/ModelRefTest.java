package io.prunegate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelRefTest {

  @Test
  void parsesTheThreeForms() {
    assertEquals(new ModelRef("sst2", null, null), ModelRef.parse("sst2"));
    assertEquals(new ModelRef("sst2", "challenger", null), ModelRef.parse("sst2@challenger"));
    assertEquals(new ModelRef("sst2", null, 12), ModelRef.parse("sst2:12"));
    assertEquals(Optional.of("champion"), ModelRef.parse("sst2").effectiveAlias());
    assertEquals(Optional.empty(), ModelRef.parse("sst2:1").effectiveAlias());
    assertEquals("sst2@shadow", ModelRef.parse("sst2@shadow").toString());
  }

  @Test
  void rejectsBadNames() {
    for (String bad :
        new String[] {"", "Upper", "../etc", "a/b", "a@", "a:", "a:0", "a:x", "a@b:1", ".hidden"}) {
      assertThrows(IllegalArgumentException.class, () -> ModelRef.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> ModelRef.parse("a".repeat(129)));
  }

  @Test
  void topicsAreOverridable() {
    Topics t = Topics.fromEnvironment(Map.of("PRUNEGATE_TOPIC_REQUESTS", "tenant-a.requests"));
    assertEquals("tenant-a.requests", t.requests());
    assertEquals(Topics.DEFAULT_RESULTS, t.results());
    assertThrows(
        IllegalArgumentException.class, () -> new Topics("bad topic", "r", "d", "f", "m", "s"));
  }
}
