/**
 * Finds and parses an image on disk, an OCI image layout or a {@code docker save}, as a directory
 * or a plain tar archive read in place, into the {@link io.oci2squashfs.image.Image} model: the
 * platform chosen, the config and the layers, base first. Reads JSON through {@code image.json} and
 * archives through commons-compress; opens no layer contents.
 *
 * <p>The model holds no wire record and no Jackson type: the config becomes an {@link
 * io.oci2squashfs.image.ImageConfig} in {@code ConfigTranslator} alone, and is kept besides as
 * {@link io.oci2squashfs.image.RawJson}, the bytes as read, for whoever writes a changed copy.
 */
package io.oci2squashfs.image;
