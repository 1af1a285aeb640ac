package io.prunegate.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prunegate.config.DocumentedOptions;
import io.prunegate.registry.outbox.RelaySettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's README table comes from its declarations; the defaults bind as before. */
class RegistryOptionsDocsTest {

  @Test
  void readmeTableMatchesTheDeclarations() {
    DocumentedOptions.check(Path.of("README.md"), RegistryOptions.TABLE);
  }

  @Test
  void declaredRelayDefaultsAreTheRelayDefaults() {
    assertEquals(
        RelaySettings.defaults(), RegistryConfig.from(RegistryOptions.TABLE.defaults()).relay());
  }

  @Test
  void shortTokensAreRefusedWhereverTheyComeFrom() {
    IllegalArgumentException env =
        assertThrows(
            IllegalArgumentException.class,
            () -> RegistryOptions.TABLE.bind(Map.of("PRUNEGATE_REGISTRY_TOKENS", "short")));
    assertEquals(
        "--token / PRUNEGATE_REGISTRY_TOKENS: tokens must each have at least 16 printable ASCII"
            + " characters",
        env.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> RegistryOptions.TABLE.defaults().with(RegistryOptions.TOKENS, List.of("short")));
  }
}
