/**
 * The statistics of an experiment, as pure functions of counts: per-arm tallies with Wilson
 * intervals, shadow agreement, and the anytime-valid confidence sequence for the difference in
 * accuracy that the judge reads after every label.
 */
package io.prunegate.experiments.stats;
