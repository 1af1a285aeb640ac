/**
 * The standalone distribution: the {@code prunegate} command line (every service's commands under
 * one entry point) and the demo that runs the whole system in one JVM on embedded defaults.
 */
package io.prunegate.standalone;
