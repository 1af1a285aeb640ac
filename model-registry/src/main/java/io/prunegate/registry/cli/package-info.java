/** The registry's command line ({@code serve}, {@code gc}). */
package io.prunegate.registry.cli;
