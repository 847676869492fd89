/**
 * Running external tools: finding them, checking their version, draining their output, and turning
 * a failed run into a {@link io.oci2squashfs.exec.ToolException} that quotes the tool's own words.
 */
package io.oci2squashfs.exec;
