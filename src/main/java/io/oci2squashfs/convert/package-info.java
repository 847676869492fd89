/**
 * The library's entry point: {@link io.oci2squashfs.convert.Converter} turns an image into a
 * squashfs file, a tar or a directory ({@link io.oci2squashfs.convert.OutputFormat}), reporting
 * progress to a {@link io.oci2squashfs.convert.ConvertListener}. Glues {@code image}, {@code layer},
 * {@code tar}, {@code overlay}, {@code sink} and {@code extract}; prints nothing.
 */
package io.oci2squashfs.convert;
