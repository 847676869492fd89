/**
 * Finds and parses an image on disk, an OCI image layout or a {@code docker save}, as a directory
 * or a plain tar archive read in place, into the {@link io.oci2squashfs.image.Image} model: the
 * platform chosen, the config and the layers, base first. Reads JSON through {@code image.json}
 * and archives through commons-compress; opens no layer contents.
 */
package io.oci2squashfs.image;
