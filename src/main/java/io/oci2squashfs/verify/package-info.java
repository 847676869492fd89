/**
 * Checking a squashfs or erofs image against a reference tree: first, if the image carries a
 * dm-verity tree, every block against it ({@link io.oci2squashfs.verify.ImageVerity}, in Java);
 * then both trees read into {@link io.oci2squashfs.verify.TreeSnapshot}s (a directory walked, the
 * image mounted with squashfuse_ll or erofsfuse, or read through {@code unsquashfs -pf} or {@code
 * fsck.erofs --extract}), compared with the pure {@link io.oci2squashfs.verify.TreeComparator}, and
 * reported. Uses {@code exec} for tools; prints nothing.
 */
package io.oci2squashfs.verify;
