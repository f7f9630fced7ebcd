/**
 * Where a set's tapped tokens wait while it is scored: per layer (N, 1+L, C) float32, read back a layer
 * and a block of images at a time ({@link io.musc4j.engine.store.TokenStore}): as arrays
 * ({@link io.musc4j.engine.store.ResidentTokens}) or in delete-on-close files
 * ({@link io.musc4j.engine.store.SpilledTokens}) when the set is larger than the token budget.
 */
package io.musc4j.engine.store;
