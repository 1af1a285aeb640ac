/**
 * Acting on a verdict: the alias moves and tags through the registry's HTTP API that make a final
 * verdict true (promote, roll back), written to be repeated safely after a crash.
 */
package io.prunegate.experiments.action;
