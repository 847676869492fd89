/**
 * Opens an image by any name the commands take, on disk or in a registry, so that every command
 * reads images through one door.
 */
package io.oci2squashfs.source;
