/** Benchmarks of the scoring core, the backbones and the metrics, and paper-reproduction runs. */
package io.musc4j.bench;
