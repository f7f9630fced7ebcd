/** Readers for the dataset layouts: MVTec AD, VisA, BTAD, MVTec AD 2 and plain folders. */
package io.musc4j.datasets.layout;
