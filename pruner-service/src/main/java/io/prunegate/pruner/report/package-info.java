/** What the pruner's HTML reports share: {@link io.prunegate.pruner.report.SvgChart}. */
package io.prunegate.pruner.report;
