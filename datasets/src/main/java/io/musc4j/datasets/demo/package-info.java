/** The procedural demo dataset behind {@code musc demo}. */
package io.musc4j.datasets.demo;
