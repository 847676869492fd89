/**
 * Our own tar entry model ({@link io.oci2squashfs.tar.EntryPath}, {@link
 * io.oci2squashfs.tar.TarHeader}), a reader of every tar dialect layers use, and a PAX writer whose
 * output mksquashfs reads. Depends on nothing else of the project. Path and name bytes are kept as
 * ISO-8859-1 strings so that any byte sequence, valid UTF-8 or not, round-trips unchanged.
 */
package io.oci2squashfs.tar;
