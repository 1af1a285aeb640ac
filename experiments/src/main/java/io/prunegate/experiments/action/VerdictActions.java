package io.prunegate.experiments.action;

import io.prunegate.experiments.action.ActionOutcome.Result;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.registry.NameRules;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Makes a final verdict true in the registry. <b>Promote</b>: the version under test is tagged
 * {@code promoted} with the reason, the old champion gets the alias {@code previous}, {@code
 * champion} moves to the version under test and its {@code challenger} (or {@code shadow}) alias is
 * removed. <b>Rollback</b>: the version is tagged {@code rejected} with the reason and the alias is
 * removed; the champion stays. <b>Inconclusive</b>: nothing changes. The gateway follows the alias
 * events and hot-swaps as for any alias move.
 *
 * <p>Each step is safe to repeat, and the tag is written first, so that a call repeated after a
 * crash finishes what an interrupted one began ({@link Result#APPLIED}) or finds it done ({@link
 * Result#ALREADY_APPLIED}). When the aliases no longer describe the experiment (someone moved them
 * by hand, or a later experiment began), nothing is changed ({@link Result#SKIPPED}): a manual
 * decision always wins. The registry's alias API has no compare-and-set, so a hand move in the
 * instant between the check and the move can still be overwritten; the experiment's alias events
 * record both.
 */
public final class VerdictActions {

  /** The alias the serving champion holds. */
  public static final String CHAMPION = "champion";

  /** The alias a promotion leaves on the champion it replaced. */
  public static final String PREVIOUS = "previous";

  /** The tag a promotion writes on the promoted version, with the reason. */
  public static final String PROMOTED_TAG = "promoted";

  /** The tag a rollback writes on the rejected version, with the reason. */
  public static final String REJECTED_TAG = "rejected";

  private final RegistryClient registry;

  public VerdictActions(RegistryClient registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** The alias the version under test holds in an experiment of this kind. */
  public static String testedAlias(Experiment.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** Acts on {@code verdict} for {@code experiment}; see the class comment for what each does. */
  public ActionOutcome apply(Experiment experiment, Verdict verdict) {
    if (verdict instanceof Verdict.Promote p) {
      return promote(experiment, p.reason());
    }
    if (verdict instanceof Verdict.Rollback r) {
      return rollback(experiment, r.reason());
    }
    String note =
        verdict instanceof Verdict.Inconclusive
            ? "inconclusive: aliases left as they are"
            : "not final: nothing to do yet";
    return new ActionOutcome(experiment.id(), Result.NO_CHANGE, List.of(), note);
  }

  private ActionOutcome promote(Experiment e, String reason) {
    String tested = testedAlias(e.kind());
    int candidate = e.challengerVersion();
    Map<String, Integer> aliases = registry.getModel(e.model()).aliases();
    Integer champion = aliases.get(CHAMPION);
    Integer underTest = aliases.get(tested);
    List<String> changes = new ArrayList<>();
    if (Objects.equals(champion, e.championVersion()) && Objects.equals(underTest, candidate)) {
      tag(e.model(), candidate, PROMOTED_TAG, reason, changes);
      registry.setAlias(e.model(), PREVIOUS, e.championVersion());
      changes.add(PREVIOUS + " -> " + e.championVersion());
      registry.setAlias(e.model(), CHAMPION, candidate);
      changes.add(CHAMPION + " -> " + candidate);
      deleteAlias(e.model(), tested, changes);
      return new ActionOutcome(e.id(), Result.APPLIED, changes, "");
    }
    boolean ours =
        registry.getVersion(e.model(), candidate).tags().containsKey(PROMOTED_TAG)
            && Objects.equals(aliases.get(PREVIOUS), e.championVersion());
    if (Objects.equals(champion, candidate) && ours) {
      if (Objects.equals(underTest, candidate)) {
        deleteAlias(e.model(), tested, changes);
        return new ActionOutcome(
            e.id(), Result.APPLIED, changes, "finished an interrupted promotion");
      }
      return new ActionOutcome(e.id(), Result.ALREADY_APPLIED, changes, "");
    }
    return skipped(e, champion, tested, underTest);
  }

  private ActionOutcome rollback(Experiment e, String reason) {
    String tested = testedAlias(e.kind());
    int candidate = e.challengerVersion();
    Map<String, Integer> aliases = registry.getModel(e.model()).aliases();
    Integer underTest = aliases.get(tested);
    List<String> changes = new ArrayList<>();
    if (Objects.equals(underTest, candidate)) {
      tag(e.model(), candidate, REJECTED_TAG, reason, changes);
      deleteAlias(e.model(), tested, changes);
      return new ActionOutcome(e.id(), Result.APPLIED, changes, "");
    }
    if (underTest == null
        && registry.getVersion(e.model(), candidate).tags().containsKey(REJECTED_TAG)) {
      return new ActionOutcome(e.id(), Result.ALREADY_APPLIED, changes, "");
    }
    return skipped(e, aliases.get(CHAMPION), tested, underTest);
  }

  private ActionOutcome skipped(Experiment e, Integer champion, String tested, Integer underTest) {
    return new ActionOutcome(
        e.id(),
        Result.SKIPPED,
        List.of(),
        "aliases moved since the experiment began: champion="
            + champion
            + ", "
            + tested
            + "="
            + underTest
            + " (expected champion="
            + e.championVersion()
            + ", "
            + tested
            + "="
            + e.challengerVersion()
            + "); left as they are");
  }

  private void tag(String model, int version, String key, String reason, List<String> changes) {
    String value =
        reason.length() > NameRules.MAX_TAG_VALUE
            ? reason.substring(0, NameRules.MAX_TAG_VALUE - 3) + "..."
            : reason;
    registry.setTag(model, version, key, value);
    changes.add("tag " + key + " on version " + version);
  }

  private void deleteAlias(String model, String alias, List<String> changes) {
    try {
      registry.deleteAlias(model, alias);
      changes.add(alias + " removed");
    } catch (RegistryException ex) {
      if (ex.status() != 404) {
        throw ex;
      }
      // removed in the meantime (by hand or by a repeated call): the state wanted is reached
    }
  }
}
