/**
 * Checking a squashfs image against a reference tree: read both into {@link
 * io.oci2squashfs.verify.TreeSnapshot}s (a directory walked, the image mounted with squashfuse or
 * read through {@code unsquashfs -pf}), compare them with the pure {@link
 * io.oci2squashfs.verify.TreeComparator}, and report. Uses {@code exec} for tools; prints nothing.
 */
package io.oci2squashfs.verify;
