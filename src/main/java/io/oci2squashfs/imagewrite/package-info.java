/**
 * Writing an image: an OCI image layout (directory or archive) or a docker-archive, from layer
 * blobs copied byte for byte, one new layer, and a rewritten config. Uses {@code image} (records,
 * digests) and {@code tar} (the archive writer); never reads a layer's content.
 */
package io.oci2squashfs.imagewrite;
