/**
 * Readers for the dataset layouts: MVTec AD, VisA, BTAD, MVTec AD 2 and plain folders. In: a data root
 * (and the output folder, never read). Out: its categories, each a list of samples (image, label, mask)
 * in the reference's order, every folder and image file read once by its real path.
 */
package io.musc4j.datasets.layout;
