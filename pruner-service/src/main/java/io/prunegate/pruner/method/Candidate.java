package io.prunegate.pruner.method;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A variant bundle a method produced.
 *
 * @param role what the candidate is within its method's output, e.g. {@code truncated} or {@code
 *     r25}; the variant's name is {@code <method label>-<role>}
 * @param bundle the bundle directory
 * @param baseline true when nothing was removed from the parent (e.g. chip-tuning's full-depth
 *     chip): the service measures accuracy drop and speedup against such a candidate
 */
public record Candidate(String role, Path bundle, boolean baseline) {

  private static final Pattern ROLE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Candidate {
    Objects.requireNonNull(bundle, "bundle");
    if (role == null || !ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException(
          "candidate role '" + role + "' must match " + ROLE.pattern());
    }
  }
}
