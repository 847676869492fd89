/**
 * The blob cache shared by every command that reads from a registry: an OCI image layout whose
 * blobs enter whole and checked, by rename, and whose {@code index.json} names the images pulled.
 * Knows files and JSON, nothing of HTTP.
 */
package io.oci2squashfs.cache;
