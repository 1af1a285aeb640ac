/**
 * The registry service in-process: its typed configuration and {@link
 * io.prunegate.registry.server.RegistryServer}.
 */
package io.prunegate.registry.server;
