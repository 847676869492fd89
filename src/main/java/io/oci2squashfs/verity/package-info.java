/**
 * dm-verity hash trees written and checked in pure Java, byte for byte what {@code veritysetup
 * format} (format 1, sha256, 4096-byte blocks) writes, either appended to the image or in a sidecar
 * file. Uses only {@code java.nio} and {@code java.security}; runs no tools.
 */
package io.oci2squashfs.verity;
