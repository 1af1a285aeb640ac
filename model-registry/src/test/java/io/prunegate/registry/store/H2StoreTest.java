package io.prunegate.registry.store;

import io.prunegate.registry.server.RegistryConfig;
import java.nio.file.Path;

/** The store suite on H2 in file mode (the registry's embedded default). */
class H2StoreTest extends AbstractStoreTest {

  @Override
  protected String[] freshDatabase(Path temp) {
    return new String[] {RegistryConfig.defaultJdbcUrl(temp.resolve("h2")), "sa", ""};
  }
}
