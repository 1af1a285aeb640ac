package io.prunegate.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The process-wide variables are documented in docs/architecture.md from their declarations. */
class ProcessOptionsDocsTest {

  @Test
  void architectureTableMatchesTheDeclarations() {
    DocumentedOptions.check(Path.of("../docs/architecture.md"), ProcessOptions.TABLE);
  }
}
