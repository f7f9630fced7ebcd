/**
 * Evaluation metrics of anomaly detection, exactly as the reference computes them (SPEC §7):
 * image and pixel AUROC, average precision and F1-max with scikit-learn's tie semantics, the
 * reference's 200-threshold AUPRO and an exact AUPRO integrated to FPR 0.3.
 *
 * <p>Everything is computed from one sort of the scores per class (radix sort on order-preserving
 * integer keys) and sweeps over the sorted arrays; see {@link io.musc4j.engine.metrics.MetricsEvaluator}.
 */
package io.musc4j.engine.metrics;
