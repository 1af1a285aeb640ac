package io.prunegate.experiments.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.config.ConfigBinder;
import io.prunegate.config.OptionValues;
import io.prunegate.experiments.action.ActionOutcome;
import io.prunegate.experiments.action.VerdictActions;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The manual override of experiments: {@code list} and {@code show} read what a running service
 * judged ({@code GET /experiments}); {@code decide} promotes or rolls back the version under test
 * through the registry by hand (the same {@link VerdictActions} as an automatic verdict, the reason
 * prefixed {@code manual:}); {@code stop} ends an experiment without a verdict by removing the
 * tested alias (the champion stays, nothing is tagged). A running service sees the alias events and
 * stops judging that experiment.
 */
final class ManualCommands {

  private ManualCommands() {}

  /** The options of a manual command: its flags, the environment, the declared defaults. */
  private static OptionValues values(CommandLine.Model.CommandSpec spec, Map<String, String> env) {
    return ConfigBinder.bind(ExperimentOptions.CLIENT, spec, env);
  }

  private static RegistryClient registry(OptionValues v) {
    return RegistryClient.create(
        v.get(ExperimentOptions.REGISTRY_URL), v.get(ExperimentOptions.REGISTRY_TOKEN));
  }

  private static JsonNode statuses(OptionValues v) {
    String url = v.get(ExperimentOptions.SERVICE_URL);
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/experiments"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + "/experiments answered " + r.statusCode());
      }
      return StatusJson.parse(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach the experiments service at " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code --kind}: which experiment of the model, the challenger's or the shadow's. */
  static final class KindOption {
    @CommandLine.Option(
        names = "--kind",
        defaultValue = "challenger",
        description = "challenger or shadow (default: ${DEFAULT-VALUE})")
    String text;

    Experiment.Kind kind() {
      try {
        return Experiment.Kind.valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--kind must be challenger or shadow, was '" + text + "'");
      }
    }
  }

  /** {@code list}: one line per experiment the service judged. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the experiments a running service judged, one line each.")
  static final class ListCommand implements Callable<Integer> {
    private final Map<String, String> env;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    ListCommand(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode items = statuses(values(spec, env)).path("items");
      out.printf(
          Locale.ROOT,
          "%-48s %-12s %9s %9s %-22s %s%n",
          "EXPERIMENT",
          "VERDICT",
          "CHAMPION",
          "TESTED",
          "DIFFERENCE",
          "ACTION");
      for (JsonNode i : items) {
        JsonNode d = i.path("difference");
        out.printf(
            Locale.ROOT,
            "%-48s %-12s %9s %9s %-22s %s%n",
            i.path("id").asText(),
            i.path("verdict").path("kind").asText(),
            arm(i.path("champion")),
            arm(i.path("challenger")),
            d.isMissingNode()
                ? "-"
                : String.format(
                    Locale.ROOT,
                    "[%+.2f, %+.2f] pts",
                    100 * d.path("lower").asDouble(),
                    100 * d.path("upper").asDouble()),
            i.path("action").path("result").asText("-"));
      }
      out.flush();
      return 0;
    }

    private static String arm(JsonNode a) {
      return a.has("accuracy")
          ? String.format(
              Locale.ROOT,
              "%.1f%%/%d",
              100 * a.path("accuracy").asDouble(),
              a.path("labelled").asLong())
          : "-/" + a.path("labelled").asLong();
    }
  }

  /** {@code show}: one experiment as JSON, with its verdict's reason and what was done. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one experiment a running service judged, as JSON.")
  static final class ShowCommand implements Callable<Integer> {
    private final Map<String, String> env;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "ID", description = "experiment id")
    String id;

    ShowCommand(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() throws IOException {
      for (JsonNode i : statuses(values(spec, env)).path("items")) {
        if (i.path("id").asText().equals(id)) {
          spec.commandLine().getOut().println(StatusJson.pretty(i));
          spec.commandLine().getOut().flush();
          return 0;
        }
      }
      throw new IllegalArgumentException("no experiment '" + id + "' (see 'experiments list')");
    }
  }

  /** {@code decide}: promote or roll back the version under test by hand. */
  @Command(
      name = "decide",
      mixinStandardHelpOptions = true,
      description =
          "Promote or roll back the version a model's challenger (or shadow) holds, by hand.")
  static final class DecideCommand implements Callable<Integer> {
    private final Map<String, String> env;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "MODEL", description = "model name")
    String model;

    @CommandLine.Parameters(
        index = "1",
        paramLabel = "VERDICT",
        description = "promote or rollback")
    String verdict;

    @CommandLine.Option(
        names = "--reason",
        required = true,
        description = "why (stored in the promoted or rejected tag)")
    String reason;

    @CommandLine.Mixin KindOption kind;

    DecideCommand(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      try {
        return decide();
      } catch (RegistryException e) {
        throw new IllegalStateException("registry: " + e.getMessage(), e);
      }
    }

    private int decide() {
      Experiment.Kind kind = this.kind.kind();
      Verdict v =
          switch (verdict) {
            case "promote" -> new Verdict.Promote("manual: " + reason);
            case "rollback" -> new Verdict.Rollback("manual: " + reason);
            default ->
                throw new IllegalArgumentException(
                    "VERDICT must be promote or rollback, was '" + verdict + "'");
          };
      RegistryClient client = registry(values(spec, env));
      Map<String, Integer> aliases = client.getModel(model).aliases();
      String tested = VerdictActions.testedAlias(kind);
      Integer champion = aliases.get(VerdictActions.CHAMPION);
      Integer candidate = aliases.get(tested);
      if (champion == null || candidate == null) {
        throw new IllegalArgumentException(
            "model '" + model + "' has no " + (champion == null ? "champion" : tested) + " alias");
      }
      Experiment e =
          new Experiment(
              model, kind, champion, candidate, System.currentTimeMillis(), Experiment.OPEN);
      ActionOutcome o = new VerdictActions(client).apply(e, v);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          verdict
              + " "
              + model
              + " "
              + tested
              + " v"
              + candidate
              + ": "
              + o.result().name().toLowerCase(Locale.ROOT)
              + " "
              + o.changes()
              + (o.note().isEmpty() ? "" : " " + o.note()));
      out.flush();
      return o.result() == ActionOutcome.Result.SKIPPED ? 1 : 0;
    }
  }

  /** {@code stop}: end an experiment without a verdict. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description =
          "End a model's challenger (or shadow) experiment without a verdict: the alias is"
              + " removed, the champion stays, nothing is tagged.")
  static final class StopCommand implements Callable<Integer> {
    private final Map<String, String> env;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "MODEL", description = "model name")
    String model;

    @CommandLine.Mixin KindOption kind;

    StopCommand(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      try {
        return stop();
      } catch (RegistryException e) {
        throw new IllegalStateException("registry: " + e.getMessage(), e);
      }
    }

    private int stop() {
      String tested = VerdictActions.testedAlias(kind.kind());
      RegistryClient client = registry(values(spec, env));
      Integer version = client.getModel(model).aliases().get(tested);
      if (version == null) {
        throw new IllegalArgumentException("model '" + model + "' has no " + tested + " alias");
      }
      client.deleteAlias(model, tested);
      spec.commandLine()
          .getOut()
          .println("stopped " + model + " " + tested + " v" + version + ": alias removed");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
