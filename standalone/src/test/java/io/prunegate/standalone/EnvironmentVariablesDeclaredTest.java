package io.prunegate.standalone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.config.OptionTable;
import io.prunegate.config.ProcessOptions;
import io.prunegate.experiments.service.ExperimentOptions;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.pruner.config.PrunerOptions;
import io.prunegate.registry.server.RegistryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code PRUNEGATE_*} variable the repository reads or sets is declared in some option table,
 * so it has a default, a description and a row in the docs. The scan covers every module's {@code
 * src/main/java}, the k8s manifests, the launcher script and the Dockerfile.
 */
class EnvironmentVariablesDeclaredTest {

  private static final Pattern VARIABLE = Pattern.compile("PRUNEGATE_[A-Z0-9_]+");

  private static final List<OptionTable> TABLES =
      List.of(
          PrunerOptions.TABLE,
          RegistryOptions.TABLE,
          GatewayOptions.TABLE,
          ExperimentOptions.TABLE,
          ExperimentOptions.CLIENT,
          ProcessOptions.TABLE);

  @Test
  void everyVariableInTheRepositoryIsDeclared() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Set<String> declared = new TreeSet<>();
    TABLES.forEach(t -> declared.addAll(t.envNames()));
    TreeMap<String, Set<Path>> undeclared = new TreeMap<>();
    int files = 0;
    for (Path file : scannedFiles(root)) {
      files++;
      Matcher m = VARIABLE.matcher(Files.readString(file));
      while (m.find()) {
        // a trailing underscore is a prefix in prose ("PRUNEGATE_TOPIC_*"), not a variable
        if (!m.group().endsWith("_") && !declared.contains(m.group())) {
          undeclared.computeIfAbsent(m.group(), k -> new TreeSet<>()).add(root.relativize(file));
        }
      }
    }
    assertTrue(files > 100, "the scan found the sources (" + files + " files under " + root + ")");
    assertTrue(
        undeclared.isEmpty(),
        "PRUNEGATE_* variables declared in no option table (add each to the service's *Options"
            + " class): "
            + undeclared);
  }

  private static List<Path> scannedFiles(Path root) throws IOException {
    List<Path> result = new java.util.ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path sources = module.resolve("src/main/java");
        if (Files.isDirectory(sources)) {
          try (Stream<Path> walk = Files.walk(sources)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(result::add);
          }
        }
      }
    }
    try (Stream<Path> walk = Files.walk(root.resolve("k8s"))) {
      walk.filter(p -> p.toString().endsWith(".yaml")).forEach(result::add);
    }
    result.add(root.resolve("prunegate"));
    result.add(root.resolve("Dockerfile"));
    return result;
  }
}
