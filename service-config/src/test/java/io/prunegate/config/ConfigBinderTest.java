package io.prunegate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Flag over environment over default; errors name both sources; picocli and docs. */
class ConfigBinderTest {

  static final OptionTable TABLE = OptionTable.of("demo");
  static final Option<Duration> TIMEOUT =
      Option.define("timeout", ValueGrammar.DURATION_TYPE)
          .flag("--timeout")
          .env("PRUNEGATE_DEMO_TIMEOUT")
          .byDefault("10s")
          .doc("how long to wait")
          .validate(Validator.positiveDuration())
          .in(TABLE);
  static final Option<Integer> SLOTS =
      Option.define("slots", ValueGrammar.INT)
          .flag("--slots")
          .env("PRUNEGATE_DEMO_SLOTS")
          .byDefault("1")
          .doc("slots | parallel")
          .validate(Validator.atLeast(1))
          .in(TABLE);
  static final Option<List<String>> TOKENS =
      Option.define("tokens", ValueGrammar.LIST)
          .flag("--token")
          .env("PRUNEGATE_DEMO_TOKENS")
          .byDefault("")
          .doc("tokens")
          .in(TABLE);
  static final Option<Boolean> OPEN =
      Option.define("open", ValueGrammar.BOOLEAN)
          .flag("--open")
          .env("PRUNEGATE_DEMO_OPEN")
          .byDefault("false")
          .doc("open")
          .in(TABLE);
  static final Option<Boolean> FAST =
      Option.define("fast", ValueGrammar.NEGATABLE_BOOLEAN)
          .flag("--fast")
          .env("PRUNEGATE_DEMO_FAST")
          .byDefault("true")
          .doc("fast")
          .in(TABLE);
  static final Option<String> SECRET =
      Option.define("secret", ValueGrammar.STRING)
          .env("PRUNEGATE_DEMO_SECRET")
          .doc("env only")
          .in(TABLE);

  @Test
  void flagOverEnvironmentOverDefault() {
    OptionValues defaults = TABLE.defaults();
    assertEquals(Duration.ofSeconds(10), defaults.get(TIMEOUT));
    assertNull(defaults.get(SECRET));
    Map<String, String> env = Map.of("PRUNEGATE_DEMO_TIMEOUT", "1m", "PRUNEGATE_DEMO_SLOTS", " ");
    OptionValues fromEnv = TABLE.bind(env);
    assertEquals(Duration.ofMinutes(1), fromEnv.get(TIMEOUT));
    assertEquals(1, fromEnv.get(SLOTS), "a blank variable counts as unset");
    OptionValues fromFlag = ConfigBinder.bind(TABLE, Map.of("--timeout", "500ms"), env);
    assertEquals(Duration.ofMillis(500), fromFlag.get(TIMEOUT));
    assertEquals(4, fromFlag.with(SLOTS, 4).get(SLOTS));
  }

  @Test
  void errorsNameFlagAndVariable() {
    IllegalArgumentException parse =
        assertThrows(
            IllegalArgumentException.class,
            () -> TABLE.bind(Map.of("PRUNEGATE_DEMO_TIMEOUT", "soon")));
    assertTrue(
        parse.getMessage().startsWith("--timeout / PRUNEGATE_DEMO_TIMEOUT: not a duration"),
        parse.getMessage());
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigBinder.bind(TABLE, Map.of("--slots", "0"), Map.of()));
    assertEquals("--slots / PRUNEGATE_DEMO_SLOTS: slots must be >= 1, was 0", range.getMessage());
    IllegalArgumentException inCode =
        assertThrows(IllegalArgumentException.class, () -> TABLE.defaults().with(SLOTS, 0));
    assertEquals("slots must be >= 1, was 0", inCode.getMessage());
  }

  @Test
  void picocliOptionsComeFromTheTable() {
    CommandSpec spec = CommandSpec.create().name("demo");
    ConfigBinder.register(spec, TABLE);
    new CommandLine(spec).parseArgs("--timeout=2s", "--token", "a", "--token", "b", "--open");
    OptionValues v = ConfigBinder.bind(TABLE, spec, Map.of("PRUNEGATE_DEMO_SECRET", "s"));
    assertEquals(Duration.ofSeconds(2), v.get(TIMEOUT));
    assertEquals(List.of("a", "b"), v.get(TOKENS));
    assertEquals(true, v.get(OPEN));
    assertEquals("s", v.get(SECRET));
    assertNull(spec.findOption("--secret"), "env-only options get no flag");
    assertEquals(true, v.get(FAST));
    Map<String, String> fastOff = Map.of("PRUNEGATE_DEMO_FAST", "false");
    assertEquals(false, negatable(fastOff).get(FAST), "the variable when no flag is given");
    assertEquals(false, negatable(Map.of(), "--no-fast").get(FAST));
    assertEquals(true, negatable(fastOff, "--fast").get(FAST));
    String help = new CommandLine(spec).getUsageMessage();
    String unwrapped = help.replaceAll("\\s+", " ");
    assertTrue(
        unwrapped.contains(
            "--timeout=<duration> how long to wait (default 10s; env PRUNEGATE_DEMO_TIMEOUT)"),
        help);
  }

  private static OptionValues negatable(Map<String, String> env, String... args) {
    CommandSpec spec = CommandSpec.create().name("demo");
    ConfigBinder.register(spec, TABLE);
    new CommandLine(spec).parseArgs(args);
    return ConfigBinder.bind(TABLE, spec, env);
  }

  @Test
  void markdownTableAndSplice() {
    String table = OptionDocs.markdown(TABLE);
    assertTrue(
        table.contains("| `--timeout` | `PRUNEGATE_DEMO_TIMEOUT` | `10s` | how long to wait |"),
        table);
    assertTrue(table.contains("| `--slots` | `PRUNEGATE_DEMO_SLOTS` | `1` | slots \\| parallel |"));
    assertTrue(table.contains("|  | `PRUNEGATE_DEMO_SECRET` | none | env only |"), table);
    String doc = "# Demo\n<!-- options:demo:begin -->\nold\n<!-- options:demo:end -->\ntail\n";
    String spliced = OptionDocs.splice(doc, TABLE);
    assertEquals(table, OptionDocs.section(spliced, "demo"));
    assertTrue(spliced.endsWith("<!-- options:demo:end -->\ntail\n"), spliced);
  }

  @Test
  void clashingDeclarationsAreRejected() {
    OptionTable t = OptionTable.of("clash");
    t.add(TIMEOUT);
    assertThrows(IllegalArgumentException.class, () -> t.add(TIMEOUT));
  }
}
