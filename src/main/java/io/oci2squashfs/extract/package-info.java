/**
 * Extraction of the merged filesystem into a directory that nothing in the image can make it write
 * outside of: no symlink the image created is ever followed, no {@code ..}, hard links only to
 * entries already extracted. Uses {@code tar}'s model and the {@code sink} contract; runs {@code
 * mknod}, {@code mkfifo}, {@code ln} and {@code setfattr} where Java cannot do the job.
 */
package io.oci2squashfs.extract;
