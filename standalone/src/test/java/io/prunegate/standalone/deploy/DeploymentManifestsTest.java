package io.prunegate.standalone.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.experiments.policy.DecisionPolicy;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.standalone.PruneGateCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * Keeps the Kubernetes manifests honest against the code: every kustomization names files that
 * exist, every container's arguments and environment parse with the real {@code prunegate} command
 * line, every {@code PRUNEGATE_*} variable is read by the code and documented, and the pruner's
 * policy ConfigMap is a valid compression policy.
 */
class DeploymentManifestsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path K8S = ROOT.resolve("k8s");

  @Test
  void everyKustomizationNamesFilesThatExistAndParse() throws IOException {
    List<Path> kustomizations;
    try (Stream<Path> files = Files.walk(K8S)) {
      kustomizations = files.filter(p -> p.endsWith("kustomization.yaml")).toList();
    }
    assertEquals(3, kustomizations.size(), "base + cpu and gpu overlays: " + kustomizations);
    for (Path k : kustomizations) {
      Map<String, Object> doc = map(documents(k).get(0));
      for (Object resource : list(doc.get("resources"))) {
        Path target = k.getParent().resolve(resource.toString()).normalize();
        assertTrue(Files.exists(target), k + " names " + resource + ", which does not exist");
        if (Files.isRegularFile(target)) {
          assertFalse(documents(target).isEmpty(), target + " holds no YAML document");
        }
      }
    }
  }

  @Test
  void everyContainerCommandLineParsesWithTheRealCli() throws IOException {
    List<Map<String, Object>> containers = containers();
    assertEquals(4, containers.size(), "registry, pruner, gateway and experiments containers");
    for (Map<String, Object> c : containers) {
      List<String> args = list(c.get("args")).stream().map(Object::toString).toList();
      Map<String, String> env = new HashMap<>();
      for (Object e : list(c.get("env"))) {
        Map<String, Object> var = map(e);
        // values from secrets or the downward API are not in the manifest: any non-empty text
        Object value = var.containsKey("value") ? var.get("value") : "from-" + var.get("name");
        env.put(var.get("name").toString(), String.valueOf(value));
      }
      CommandLine cli = PruneGateCli.commandLine(env);
      assertDoesNotThrow(
          () -> cli.parseArgs(args.toArray(String[]::new)),
          "container " + c.get("name") + " args " + args + " with its environment");
    }
  }

  @Test
  void everyPrunegateVariableIsReadByTheCodeAndDocumented() throws IOException {
    TreeSet<String> variables = new TreeSet<>();
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        var m =
            java.util.regex.Pattern.compile("PRUNEGATE_[A-Z0-9_]+").matcher(Files.readString(f));
        while (m.find()) {
          variables.add(m.group());
        }
      }
    }
    assertFalse(variables.isEmpty());
    String code = concatenate("src/main/java", ".java");
    String docs = concatenate("", ".md");
    for (String v : variables) {
      // read either by name from an environment map or through a picocli ${env:...} default
      assertTrue(
          code.contains("\"" + v + "\"")
              || code.contains("${env:" + v + ":")
              || code.contains("${env:" + v + "}"),
          v + " is set by k8s but read nowhere in the code");
      assertTrue(docs.contains(v), v + " is set by k8s but documented nowhere");
    }
  }

  @Test
  void thePrunerPolicyConfigMapIsAValidPolicy() throws IOException {
    for (Object o : documents(K8S.resolve("base/pruner.yaml"))) {
      Map<String, Object> doc = map(o);
      if ("ConfigMap".equals(doc.get("kind"))) {
        String json = map(doc.get("data")).get("policy.json").toString();
        CompressionPolicy policy = assertDoesNotThrow(() -> CompressionPolicy.parse(json));
        assertEquals("challenger", policy.alias());
        return;
      }
    }
    throw new AssertionError("k8s/base/pruner.yaml has no policy ConfigMap");
  }

  @Test
  void theExperimentsPolicyConfigMapIsAValidDecisionPolicy() throws IOException {
    for (Object o : documents(K8S.resolve("base/experiments.yaml"))) {
      Map<String, Object> doc = map(o);
      if ("ConfigMap".equals(doc.get("kind"))) {
        String json = map(doc.get("data")).get("policy.json").toString();
        DecisionPolicy policy = assertDoesNotThrow(() -> DecisionPolicy.parse(json));
        assertEquals(1.0, policy.defaults().nonInferiorityMarginPoints());
        return;
      }
    }
    throw new AssertionError("k8s/base/experiments.yaml has no policy ConfigMap");
  }

  private static List<Map<String, Object>> containers() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String file :
        List.of("registry.yaml", "pruner.yaml", "gateway.yaml", "experiments.yaml")) {
      for (Object o : documents(K8S.resolve("base").resolve(file))) {
        Map<String, Object> doc = map(o);
        if ("Deployment".equals(doc.get("kind")) || "StatefulSet".equals(doc.get("kind"))) {
          Map<String, Object> pod = map(map(map(doc.get("spec")).get("template")).get("spec"));
          for (Object c : list(pod.get("containers"))) {
            out.add(map(c));
          }
        }
      }
    }
    return out;
  }

  private static String concatenate(String under, String suffix) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(suffix))
              .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/."))
              .filter(p -> under.isEmpty() || p.toString().contains("/" + under + "/"))
              .toList()) {
        all.append(Files.readString(f)).append('\n');
      }
    }
    return all.toString();
  }

  private static List<Object> documents(Path file) {
    try {
      List<Object> docs = new ArrayList<>();
      for (Object d :
          new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
        if (d != null) {
          docs.add(d);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }
}
