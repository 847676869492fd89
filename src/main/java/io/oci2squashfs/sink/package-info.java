/**
 * Where the merged stream goes: a spawned {@code mksquashfs -tar} reading it on stdin. A sink either
 * commits (the output appears under its final name) or aborts (the child is stopped and nothing is
 * left behind).
 */
package io.oci2squashfs.sink;
