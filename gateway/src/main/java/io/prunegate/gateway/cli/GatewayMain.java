package io.prunegate.gateway.cli;

import io.prunegate.config.ConfigBinder;
import io.prunegate.config.ConfigErrorHandler;
import io.prunegate.config.ShutdownLatch;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The gateway as a process: {@code serve} starts a {@link Gateway} from flags, {@code PRUNEGATE_*}
 * environment variables and defaults (in that order of precedence; every option is declared once in
 * {@link GatewayOptions}, and {@code gateway/README.md}'s table is generated from it), prints
 * {@value #READY_MARKER} with the HTTP port once ready, and stops cleanly on SIGTERM (answering and
 * committing what it took).
 */
@Command(
    name = "prunegate-gateway",
    mixinStandardHelpOptions = true,
    subcommands = {GatewayMain.Serve.class},
    description = "PruneGate streaming classification gateway.")
public final class GatewayMain implements Runnable {

  /** Printed on stdout once the gateway is ready: {@code PRUNEGATE-GATEWAY-READY <httpPort>}. */
  public static final String READY_MARKER = "PRUNEGATE-GATEWAY-READY";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line reading the process environment. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The command line reading {@code env}, with the options of {@link GatewayOptions#TABLE}. */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl =
        new CommandLine(
            new GatewayMain(),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> cls) throws Exception {
                return cls == Serve.class
                    ? cls.cast(new Serve(env))
                    : CommandLine.defaultFactory().create(cls);
              }
            });
    ConfigBinder.register(cl.getSubcommands().get("serve").getCommandSpec(), GatewayOptions.TABLE);
    return ConfigErrorHandler.install(cl);
  }

  /** {@code serve}: runs the gateway until SIGTERM. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway.")
  public static final class Serve implements Callable<Integer> {

    private final Map<String, String> env;

    // the options themselves are registered from GatewayOptions.TABLE by commandLine(...)
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    Serve(Map<String, String> env) {
      this.env = env;
    }

    /** The configuration: the flags, then the environment, then the declared defaults. */
    public GatewayConfig config() {
      return GatewayConfig.from(ConfigBinder.bind(GatewayOptions.TABLE, spec, env));
    }

    @Override
    public Integer call() throws InterruptedException {
      // a refused value is printed as one line with exit code 2 by ConfigErrorHandler
      GatewayConfig config = config();
      Gateway gateway = Gateway.start(config);
      ShutdownLatch stopped = ShutdownLatch.closeOnShutdown("gateway", gateway::close);
      while (!gateway.awaitReady(Duration.ofSeconds(1))) {
        if (gateway.kafkaFailure() != null) {
          System.err.println("gateway failed: " + gateway.kafkaFailure());
          return 1;
        }
      }
      System.out.println(READY_MARKER + " " + gateway.httpPort());
      System.out.flush();
      stopped.await();
      return 0;
    }
  }
}
