package io.prunegate.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ModelRef;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.resilience.VariantBreakers;
import io.prunegate.gateway.variant.LoadedVariant;
import io.prunegate.gateway.variant.VariantKey;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing decisions over variants without models (routing never touches the classifier). */
class RouterTest {

  private final VariantBreakers breakers =
      new VariantBreakers(GatewayConfig.Resilience.defaults(), new GatewayMetrics());

  private LoadedVariant variant(int version) {
    VariantKey k = new VariantKey("m", version);
    return new LoadedVariant(k, Path.of("."), null, null, breakers.create(k));
  }

  @Test
  void rejectsUnknownModelsAndModelsWithoutAChampion() {
    Router r = new Router(GatewayConfig.Routing.defaults());
    Route unknown = r.route(ModelRef.parse("nope"), "k", "id");
    assertTrue(((Route.Reject) unknown).unknownModel());
    r.declare("m");
    Route.Reject none = (Route.Reject) r.route(ModelRef.parse("m"), "k", "id");
    assertEquals("model 'm' has no champion loaded yet", none.reason());
  }

  @Test
  void theChallengerGetsItsShareStickyByKey() {
    Router r = new Router(new GatewayConfig.Routing(0.3, 0.0, 10));
    LoadedVariant champion = variant(1);
    LoadedVariant challenger = variant(2);
    r.update("m", t -> t.with("champion", champion).with("challenger", challenger));
    Map<String, String> first = new HashMap<>();
    int toChallenger = 0;
    for (int i = 0; i < 10_000; i++) {
      Route.Serve s = (Route.Serve) r.route(ModelRef.parse("m"), "key-" + i, "id-" + i);
      first.put("key-" + i, s.variantName());
      if (s.variant() == challenger) {
        toChallenger++;
        assertEquals("challenger", s.variantName());
      }
    }
    assertTrue(Math.abs(toChallenger / 10_000.0 - 0.3) < 0.02, "share " + toChallenger);
    for (int i = 0; i < 10_000; i++) {
      Route.Serve s = (Route.Serve) r.route(ModelRef.parse("m"), "key-" + i, "other-" + i);
      assertEquals(first.get("key-" + i), s.variantName(), "sticky by key, not by id");
    }
  }

  @Test
  void anOpenBreakerSendsTheChallengersShareToTheChampion() {
    Router r = new Router(new GatewayConfig.Routing(1.0, 0.0, 10));
    LoadedVariant champion = variant(1);
    LoadedVariant challenger = variant(2);
    r.update("m", t -> t.with("champion", champion).with("challenger", challenger));
    assertSame(challenger, ((Route.Serve) r.route(ModelRef.parse("m"), "k", "i")).variant());
    challenger.breaker().transitionToOpenState();
    Route.Serve s = (Route.Serve) r.route(ModelRef.parse("m"), "k", "i");
    assertSame(champion, s.variant());
    assertEquals("champion", s.variantName());
  }

  @Test
  void theShadowGetsACopyOfItsShareOfChampionTraffic() {
    Router r = new Router(new GatewayConfig.Routing(0.0, 0.5, 10));
    LoadedVariant champion = variant(1);
    LoadedVariant shadow = variant(3);
    r.update("m", t -> t.with("champion", champion).with("shadow", shadow));
    int copies = 0;
    for (int i = 0; i < 4000; i++) {
      Route.Serve s = (Route.Serve) r.route(ModelRef.parse("m"), "k", "id-" + i);
      assertSame(champion, s.variant(), "the shadow never answers");
      if (s.shadow() != null) {
        assertSame(shadow, s.shadow());
        copies++;
      }
    }
    assertTrue(Math.abs(copies / 4000.0 - 0.5) < 0.04, "copies " + copies);
  }

  @Test
  void pinnedVersionsAndExplicitAliases() {
    Router r = new Router(GatewayConfig.Routing.defaults());
    LoadedVariant champion = variant(1);
    LoadedVariant challenger = variant(2);
    r.update("m", t -> t.with("champion", champion).with("challenger", challenger));
    Route.Serve pinned = (Route.Serve) r.route(ModelRef.parse("m:2"), "k", "i");
    assertSame(challenger, pinned.variant());
    assertEquals("pinned", pinned.variantName());
    Route.Reject missing =
        assertInstanceOf(Route.Reject.class, r.route(ModelRef.parse("m:7"), "k", "i"));
    assertEquals("version 7 of model 'm' is not loaded (loaded: [1, 2])", missing.reason());
    Route.Serve alias = (Route.Serve) r.route(ModelRef.parse("m@challenger"), "k", "i");
    assertSame(challenger, alias.variant());
    assertNull(alias.shadow());
    assertInstanceOf(Route.Reject.class, r.route(ModelRef.parse("m@shadow"), "k", "i"));
  }
}
