/**
 * The library's entry point: {@link io.oci2squashfs.convert.Converter} turns an image directory into
 * a squashfs file, reporting progress to a {@link io.oci2squashfs.convert.ConvertListener}. Glues
 * {@code image}, {@code layer}, {@code tar}, {@code overlay} and {@code sink}; prints nothing.
 */
package io.oci2squashfs.convert;
