/**
 * Where the merged stream goes ({@link io.oci2squashfs.sink.OutputSink}): a spawned {@code
 * mksquashfs -tar} reading it on stdin, or a PAX tar file or stream. A sink either commits (the
 * output appears under its final name) or aborts (any child is stopped and nothing is left behind).
 * The directory output is in {@code extract}.
 */
package io.oci2squashfs.sink;
