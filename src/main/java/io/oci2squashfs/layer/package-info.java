/**
 * Opens a layer blob as a tar stream: picks the decompressor from the media type ({@link
 * io.oci2squashfs.layer.MediaTypes}), checks it against the magic bytes ({@link
 * io.oci2squashfs.layer.Compression#sniff}) and reports failures as {@link
 * io.oci2squashfs.layer.LayerException}. Uses only the JDK and the compression libraries.
 */
package io.oci2squashfs.layer;
