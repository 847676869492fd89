/**
 * Squashing an image's top layers into one: choosing the layers, merging them in the merge's layer
 * mode into one new layer blob, and handing the result to {@code imagewrite}. Uses {@code image},
 * {@code layer}, {@code overlay}, {@code tar} and {@code imagewrite}; prints nothing.
 */
package io.oci2squashfs.squash;
