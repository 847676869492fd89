package io.oci2squashfs.overlay;

import static io.oci2squashfs.overlay.PathTrie.NO_LAYER;

import io.oci2squashfs.overlay.PathTrie.Node;
import io.oci2squashfs.overlay.PathTrie.State;
import io.oci2squashfs.tar.EntryPath;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Layer mode, at the end of the merge: writes what still acts on the lower layers (whiteouts,
 * opaque markers, the directories they need); the case analysis is in {@link LayerMode}.
 */
final class LowerMarkers {
  /** Where the markers and directories go. */
  interface Writer {
    /** A directory that the merged layers only implied, with an implied directory's attributes. */
    void impliedDirectory(Node n) throws IOException;

    /** A whiteout or opaque marker (an empty file). */
    void marker(EntryPath path) throws IOException;
  }

  private final PathTrie trie;
  private final LayerMode mode;
  private final Writer out;

  LowerMarkers(PathTrie trie, LayerMode mode, Writer out) {
    this.trie = trie;
    this.mode = mode;
    this.out = out;
  }

  void write() throws IOException {
    Node root = trie.root();
    if (root.opaqueLayer() != NO_LAYER) {
      marker(EntryPath.of(Whiteouts.OPAQUE));
      writeImpliedBelow(root);
    } else {
      walk(root);
    }
  }

  /** {@code n}'s lower content is not yet hidden by anything written. */
  private void walk(Node n) throws IOException {
    for (Node c : sortedChildren(n)) {
      boolean removed =
          c.hideLayer() != NO_LAYER || c.replaceLayer() != NO_LAYER || c.state() == State.NON_DIR;
      if (removed && c.state() == State.NON_DIR) {
        if (!c.written()) {
          marker(whiteoutOf(c.path())); // a dropped hard link still replaced what was there
        }
      } else if (removed && c.state() == State.NONE) {
        marker(whiteoutOf(c.path()));
      } else if (removed) {
        if (c.state() == State.IMPLICIT_DIR) {
          impliedDir(c);
        }
        marker(c.path().child(Whiteouts.OPAQUE));
        writeImpliedBelow(c);
      } else {
        if (c.state() == State.IMPLICIT_DIR
            && !writtenBelow(c)
            && !mode.lowerHasDirectory().test(c.path())) {
          impliedDir(c);
        }
        if (c.opaqueLayer() != NO_LAYER) {
          marker(c.path().child(Whiteouts.OPAQUE));
          writeImpliedBelow(c);
        } else {
          walk(c);
        }
      }
    }
  }

  /**
   * Below a marker nothing of the lower layers is left: every implied directory needs its entry.
   */
  private void writeImpliedBelow(Node n) throws IOException {
    for (Node c : sortedChildren(n)) {
      if (c.state() == State.IMPLICIT_DIR) {
        impliedDir(c);
      }
      writeImpliedBelow(c);
    }
  }

  private boolean writtenBelow(Node n) {
    Deque<Node> stack = new ArrayDeque<>();
    n.forEachChild(stack::push);
    while (!stack.isEmpty()) {
      Node c = stack.pop();
      if (c.written()) {
        return true;
      }
      c.forEachChild(stack::push);
    }
    return false;
  }

  private void impliedDir(Node n) throws IOException {
    out.impliedDirectory(n);
  }

  private void marker(EntryPath path) throws IOException {
    out.marker(path);
  }

  private EntryPath whiteoutOf(EntryPath path) {
    return path.parent().child(Whiteouts.PREFIX + path.name());
  }

  private List<Node> sortedChildren(Node n) {
    List<Node> children = new ArrayList<>();
    n.forEachChild(children::add);
    children.sort(Node::compareNames);
    return children;
  }
}
