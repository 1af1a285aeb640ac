package io.prunegate.pruner.policy;

import io.prunegate.registry.NameRules;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a policy's dataset or calibration file is: a file path, an artifact of a registered version
 * ({@code registry:<model>:<version>/<file>}, downloaded and verified by sha256), or a dataset
 * shipped with PruneGate ({@code builtin:<name>}).
 */
public sealed interface DataReference {

  /** The reference as written in the policy. */
  String text();

  /** A file on the pruner's file system (relative paths resolve against its working directory). */
  record File(String text, Path path) implements DataReference {}

  /** An artifact of a registered version. */
  record Registry(String text, String model, int version, String artifact)
      implements DataReference {}

  /** A dataset shipped with PruneGate. */
  record Builtin(String text, String name) implements DataReference {}

  /** {@code registry:<model>:<version>/<artifact>}. */
  Pattern REGISTRY_REF = Pattern.compile("registry:([^:/]+):([0-9]+)/(.+)");

  /** Parses a reference; {@code field} names it in errors. */
  static DataReference parse(String text, String field) {
    if (text.startsWith(CompressionPolicy.BUILTIN)) {
      return new Builtin(text, text.substring(CompressionPolicy.BUILTIN.length()));
    }
    if (text.startsWith(CompressionPolicy.REGISTRY)) {
      return parseRegistry(text, field);
    }
    return new File(text, Path.of(text));
  }

  /** Parses {@code registry:<model>:<version>/<artifact>}, naming {@code field} on error. */
  static Registry parseRegistry(String text, String field) {
    Matcher m = REGISTRY_REF.matcher(text);
    if (!m.matches()) {
      throw new PolicyException(
          field,
          "'" + text + "' is not a registry reference: use registry:<model>:<version>/<file>");
    }
    if (!NameRules.isValidName(m.group(1))) {
      throw new PolicyException(field, "invalid model name '" + m.group(1) + "' in '" + text + "'");
    }
    if (!NameRules.isValidArtifactName(m.group(3))) {
      throw new PolicyException(
          field, "invalid artifact name '" + m.group(3) + "' in '" + text + "'");
    }
    int version;
    try {
      version = Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      throw new PolicyException(field, "invalid version in '" + text + "'");
    }
    if (version < 1) {
      throw new PolicyException(field, "version must be >= 1 in '" + text + "'");
    }
    return new Registry(text, m.group(1), version, m.group(3));
  }
}
