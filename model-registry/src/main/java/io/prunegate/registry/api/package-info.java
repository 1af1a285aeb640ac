/**
 * The REST API under {@code /api/v1}: one route table ({@link
 * io.prunegate.registry.api.RegistryRoutes}) from which the Vert.x router and the OpenAPI document
 * are both built, bearer-token checks, and streaming artifact transfer.
 */
package io.prunegate.registry.api;
