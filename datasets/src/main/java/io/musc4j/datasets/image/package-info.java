/** Image and mask decoding through OpenCV, and the reference's mask preprocessing. */
package io.musc4j.datasets.image;
