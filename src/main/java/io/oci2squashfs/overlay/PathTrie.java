package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The merge's memory of paths: what newer layers emitted at each path and which layers hide what
 * below it. A path is stored once, as a chain of components shared with its siblings.
 */
final class PathTrie {
  /** No layer: larger than every layer index, so "min layer" comparisons need no special case. */
  static final int NO_LAYER = Integer.MAX_VALUE;

  /** What the merged output holds at a path so far. */
  enum State {
    /** Nothing emitted (the node exists for a whiteout or as a parent). */
    NONE,
    /** A directory that exists because entries below it were emitted; no explicit entry yet. */
    IMPLICIT_DIR,
    /** A directory whose explicit entry was emitted. */
    EXPLICIT_DIR,
    /** A non-directory was emitted (or reserved, for a hard link still to be resolved). */
    NON_DIR
  }

  /** One path component. Fields are package-private: the merger is the only user. */
  static final class Node {
    final String name;
    final Node parent;
    private Object children; // null, a single Node, or a HashMap<String, Node>
    State state = State.NONE;
    /** The layer whose entry set {@link #state}. */
    int stateLayer = NO_LAYER;
    /** That entry's position in its layer (1-based), so links can tell what came before them. */
    long stateOrdinal;
    /** Lowest (oldest) layer whose whiteout hides this path and all below it from still lower layers. */
    int hideLayer = NO_LAYER;
    /**
     * Lowest layer whose non-directory replaced this path (while a newer layer has a directory
     * here): hides like a whiteout, but acts in tar order, not before the layer's own entries.
     */
    int replaceLayer = NO_LAYER;
    /** Lowest layer whose opaque marker hides this directory's children from still lower layers. */
    int opaqueLayer = NO_LAYER;
    /** True once this path's entry is in the output (a reserved hard link is not, until resolved). */
    boolean written;

    Node(String name, Node parent) {
      this.name = name;
      this.parent = parent;
    }

    Node child(String component) {
      if (children == null) {
        return null;
      }
      if (children instanceof Node) {
        Node only = (Node) children;
        return only.name.equals(component) ? only : null;
      }
      @SuppressWarnings("unchecked")
      Map<String, Node> map = (Map<String, Node>) children;
      return map.get(component);
    }

    Node childOrCreate(String component) {
      Node existing = child(component);
      if (existing != null) {
        return existing;
      }
      Node created = new Node(component, this);
      if (children == null) {
        children = created;
      } else if (children instanceof Node) {
        Map<String, Node> map = new HashMap<>(4);
        Node only = (Node) children;
        map.put(only.name, only);
        map.put(component, created);
        children = map;
      } else {
        @SuppressWarnings("unchecked")
        Map<String, Node> map = (Map<String, Node>) children;
        map.put(component, created);
      }
      return created;
    }

    void forEachChild(Consumer<Node> action) {
      if (children instanceof Node) {
        action.accept((Node) children);
      } else if (children != null) {
        @SuppressWarnings("unchecked")
        Map<String, Node> map = (Map<String, Node>) children;
        map.values().forEach(action);
      }
    }

    EntryPath path() {
      if (parent == null) {
        return EntryPath.ROOT;
      }
      List<String> parts = new ArrayList<>();
      for (Node n = this; n.parent != null; n = n.parent) {
        parts.add(n.name);
      }
      StringBuilder sb = new StringBuilder();
      for (int i = parts.size() - 1; i >= 0; i--) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(parts.get(i));
      }
      return EntryPath.of(sb.toString());
    }
  }

  private final Node root = new Node("", null);

  Node root() {
    return root;
  }

  /** The node for {@code path}, or null when no node was made for it. */
  Node find(EntryPath path) {
    Node n = root;
    for (String c : path.components()) {
      n = n.child(c);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  Node findOrCreate(EntryPath path) {
    Node n = root;
    for (String c : path.components()) {
      n = n.childOrCreate(c);
    }
    return n;
  }

  /** Visits every node, parents before children. */
  void forEachPreOrder(Consumer<Node> action) {
    List<Node> stack = new ArrayList<>();
    stack.add(root);
    while (!stack.isEmpty()) {
      Node n = stack.remove(stack.size() - 1);
      action.accept(n);
      n.forEachChild(stack::add);
    }
  }
}
