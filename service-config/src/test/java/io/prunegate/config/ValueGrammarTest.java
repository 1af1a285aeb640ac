package io.prunegate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one grammar accepts every form the gateway's and the registry's grammars accepted. */
class ValueGrammarTest {

  @Test
  void durations() {
    assertEquals(Duration.ofMillis(500), ValueGrammar.duration("500ms"));
    assertEquals(Duration.ofSeconds(30), ValueGrammar.duration("30s"));
    assertEquals(Duration.ofMinutes(5), ValueGrammar.duration("5m"));
    assertEquals(Duration.ofHours(1), ValueGrammar.duration("1h"));
    assertEquals(Duration.ofDays(7), ValueGrammar.duration("7d"));
    assertEquals(Duration.ofSeconds(1), ValueGrammar.duration("PT1S"));
    assertEquals(Duration.ofHours(1), ValueGrammar.duration("pt1h"));
    assertEquals(Duration.ofSeconds(10), ValueGrammar.duration(" 10S "));
    assertEquals(Duration.ofSeconds(10), ValueGrammar.duration("10 s"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ValueGrammar.duration("soon"));
    assertTrue(e.getMessage().contains("not a duration: 'soon'"), e.getMessage());
  }

  @Test
  void sizes() {
    assertEquals(1048576, ValueGrammar.bytes("1048576"));
    assertEquals(512L << 10, ValueGrammar.bytes("512k"));
    assertEquals(4L << 20, ValueGrammar.bytes("4m"));
    assertEquals(1L << 30, ValueGrammar.bytes("1g"));
    assertEquals(1L << 40, ValueGrammar.bytes("1t"));
    assertEquals(64L << 20, ValueGrammar.bytes("64MiB"));
    assertEquals(64L << 20, ValueGrammar.bytes("64 mb"));
    assertThrows(IllegalArgumentException.class, () -> ValueGrammar.bytes("4x"));
    assertThrows(IllegalArgumentException.class, () -> ValueGrammar.bytes("99999999999t"));
  }

  @Test
  void listsBooleansIntegers() {
    assertEquals(List.of("a", "b"), ValueGrammar.list(" a, ,b,"));
    assertEquals(List.of(), ValueGrammar.list(""));
    assertTrue(ValueGrammar.bool("yes"));
    assertTrue(ValueGrammar.bool("ON"));
    assertFalse(ValueGrammar.bool("0"));
    assertThrows(IllegalArgumentException.class, () -> ValueGrammar.bool("maybe"));
    assertEquals(42, ValueGrammar.integer(" 42 "));
    assertThrows(IllegalArgumentException.class, () -> ValueGrammar.integer("4.2"));
  }
}
