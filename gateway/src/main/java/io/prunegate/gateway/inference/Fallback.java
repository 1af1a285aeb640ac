package io.prunegate.gateway.inference;

import io.prunegate.gateway.batching.PendingRequest;
import io.prunegate.gateway.variant.LoadedVariant;

/** Hands a request whose variant failed to another variant (the champion). */
@FunctionalInterface
public interface Fallback {

  /** True when the request was queued elsewhere; false when the caller must answer it. */
  boolean reroute(PendingRequest request, LoadedVariant failed, String reason);
}
