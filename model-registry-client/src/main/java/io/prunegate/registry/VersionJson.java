package io.prunegate.registry;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of model versions (with artifacts and lineage) and of a version's creation request,
 * shared by server and client like {@link RegistryJson}, whose shared readers it uses: the request
 * reader is strict and names the field.
 */
public final class VersionJson {

  private VersionJson() {}

  private record ArtifactWire(String name, String sha256, Long size) {}

  private record LineageWire(
      Long version,
      Long parentVersion,
      String method,
      Map<String, Object> metrics,
      String createdAt) {}

  private record VersionWire(
      String model,
      Long version,
      Long parentVersion,
      String method,
      Map<String, Object> parameters,
      Map<String, Object> metrics,
      Map<String, String> tags,
      String description,
      List<ArtifactWire> artifacts,
      String createdAt,
      List<String> aliases,
      List<LineageWire> lineage) {}

  private record VersionRequestWire(
      @JsonInclude(NON_NULL) Long parentVersion,
      String method,
      Map<String, Object> parameters,
      Map<String, Object> metrics,
      Map<String, String> tags,
      @JsonInclude(NON_NULL) String description,
      @JsonInclude(NON_NULL) String idempotencyKey,
      List<ArtifactWire> artifacts) {}

  /** The JSON of an artifact: name, sha256, size. */
  public static ObjectNode artifact(Artifact a) {
    return RegistryMapper.MAPPER.valueToTree(wire(a));
  }

  private static ArtifactWire wire(Artifact a) {
    return new ArtifactWire(a.name(), a.sha256(), a.size());
  }

  /** The JSON of a version, lineage included. */
  public static ObjectNode version(ModelVersion v) {
    List<LineageWire> lineage = new ArrayList<>();
    for (LineageStep s : v.lineage()) {
      lineage.add(
          new LineageWire(
              (long) s.version(),
              RegistryJson.number(s.parentVersion()),
              s.method(),
              s.metrics(),
              RegistryJson.time(s.createdAt())));
    }
    return RegistryMapper.MAPPER.valueToTree(
        new VersionWire(
            v.model(),
            (long) v.version(),
            RegistryJson.number(v.parentVersion()),
            v.method(),
            v.parameters(),
            v.metrics(),
            v.tags(),
            v.description(),
            v.artifacts().stream().map(VersionJson::wire).toList(),
            RegistryJson.time(v.createdAt()),
            v.aliases(),
            lineage));
  }

  /** Reads a version from a response. */
  public static ModelVersion readVersion(JsonNode node) {
    VersionWire w = RegistryMapper.bind(node, VersionWire.class, false);
    List<Artifact> artifacts = new ArrayList<>();
    for (ArtifactWire a : RegistryJson.objects(w.artifacts(), "artifacts")) {
      artifacts.add(
          new Artifact(
              RegistryJson.required(a.name(), "name"),
              RegistryJson.required(a.sha256(), "sha256"),
              a.size() == null ? 0 : a.size()));
    }
    List<LineageStep> lineage = new ArrayList<>();
    for (LineageWire s : RegistryJson.objects(w.lineage(), "lineage")) {
      lineage.add(
          new LineageStep(
              RegistryJson.requiredInt(s.version(), "version"),
              RegistryJson.optionalInt(s.parentVersion(), "parent_version"),
              s.method(),
              s.metrics(),
              RegistryJson.readTime(s.createdAt(), "created_at")));
    }
    return new ModelVersion(
        RegistryJson.required(w.model(), "model"),
        RegistryJson.requiredInt(w.version(), "version"),
        RegistryJson.optionalInt(w.parentVersion(), "parent_version"),
        w.method(),
        w.parameters(),
        w.metrics(),
        RegistryJson.stringMap(w.tags(), "tags"),
        w.description(),
        artifacts,
        RegistryJson.readTime(w.createdAt(), "created_at"),
        RegistryJson.strings(w.aliases(), "aliases"),
        lineage);
  }

  /**
   * A version-creation request: metadata and the artifacts it consists of, each naming a blob
   * uploaded before. {@code size} may be null (the stored blob's size is taken).
   */
  public record VersionRequest(VersionSpec spec, List<ArtifactClaim> artifacts) {}

  /** An artifact as a creation request names it. */
  public record ArtifactClaim(String name, String sha256, Long size) {}

  /** The body of a version creation. */
  public static ObjectNode versionRequest(VersionSpec spec, List<Artifact> artifacts) {
    return RegistryMapper.MAPPER.valueToTree(
        new VersionRequestWire(
            RegistryJson.number(spec.parentVersion()),
            spec.method(),
            spec.parameters(),
            spec.metrics(),
            spec.tags(),
            spec.description(),
            spec.idempotencyKey(),
            artifacts.stream().map(VersionJson::wire).toList()));
  }

  /** Reads and validates a version-creation request. */
  public static VersionRequest readVersionRequest(JsonNode node) {
    VersionRequestWire w = RegistryMapper.bind(node, VersionRequestWire.class, true);
    Integer parent = RegistryJson.optionalInt(w.parentVersion(), "parent_version");
    if (parent != null && parent < 1) {
      throw RegistryProblem.invalid("parent_version", "must be >= 1, was " + parent);
    }
    String method = w.method();
    if (method != null) {
      NameRules.requireName(method, "method", "method");
    }
    if (parent != null && (method == null || method.equals(VersionSpec.BASE))) {
      throw RegistryProblem.invalid(
          "method", "a version with a parent_version needs its compression method (not 'base')");
    }
    Map<String, String> tags = RegistryJson.stringMap(w.tags(), "tags");
    if (tags.size() > 1000) {
      throw RegistryProblem.invalid("tags", "at most 1000 tags");
    }
    tags.forEach((k, v) -> NameRules.requireTag(k, v, "tags"));
    String key = RegistryJson.idempotencyKey(w.idempotencyKey(), "idempotency_key");
    List<ArtifactWire> items = RegistryJson.objects(w.artifacts(), "artifacts");
    if (items.isEmpty()) {
      throw RegistryProblem.invalid("artifacts", "a version needs at least one artifact");
    }
    if (items.size() > RegistryJson.MAX_ARTIFACTS) {
      throw RegistryProblem.invalid(
          "artifacts", "at most " + RegistryJson.MAX_ARTIFACTS + " artifacts");
    }
    List<ArtifactClaim> claims = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String path = "artifacts[" + i + "].";
      ArtifactWire a = items.get(i);
      String name =
          NameRules.requireArtifactName(
              RegistryJson.required(a.name(), path + "name"), path + "name");
      if (!names.add(name)) {
        throw RegistryProblem.invalid(path + "name", "duplicate artifact name '" + name + "'");
      }
      String sha =
          NameRules.requireSha256(
              RegistryJson.required(a.sha256(), path + "sha256"), path + "sha256");
      if (a.size() != null && a.size() < 0) {
        throw RegistryProblem.invalid(path + "size", "must be >= 0");
      }
      claims.add(new ArtifactClaim(name, sha, a.size()));
    }
    VersionSpec spec =
        new VersionSpec(
            parent,
            method,
            w.parameters(),
            w.metrics(),
            tags,
            RegistryJson.atMost(w.description(), "description", 4096),
            key);
    return new VersionRequest(spec, claims);
  }
}
