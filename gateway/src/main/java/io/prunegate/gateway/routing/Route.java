package io.prunegate.gateway.routing;

import io.prunegate.gateway.variant.LoadedVariant;

/** Where a request goes: a variant (and maybe a shadow copy), or nowhere, with the reason. */
public sealed interface Route permits Route.Serve, Route.Reject {

  /**
   * Serve it.
   *
   * @param variant the variant that answers
   * @param variantName what the answer's {@code variant} field says ({@code champion}, {@code
   *     challenger}, another alias, or {@code pinned} for {@code name:version})
   * @param shadow a variant that gets a copy whose answer is only recorded, or null
   */
  record Serve(LoadedVariant variant, String variantName, LoadedVariant shadow) implements Route {}

  /**
   * Refuse it before inference.
   *
   * @param reason why, for the result's {@code error} field
   * @param unknownModel true when the model is not served here at all (HTTP 404)
   */
  record Reject(String reason, boolean unknownModel) implements Route {}
}
