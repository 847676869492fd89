/**
 * The layer merge: layers visited newest first, with a whiteout trie, the set of emitted paths and
 * deferred hard links, giving what applying the layers oldest first would give. Pure logic: it sees
 * only {@code tar}'s model types and never touches files, processes or decompressors.
 */
package io.oci2squashfs.overlay;
