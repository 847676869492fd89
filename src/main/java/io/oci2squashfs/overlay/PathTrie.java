package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The merge's memory of paths: what newer layers emitted at each path and which layers hide what
 * below it. A path is stored once, as a chain of components shared with its siblings: about 120
 * bytes a path (node, name bytes, table slot), where a map of strings would take 180.
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

  /**
   * One path component. Fields are package-private: the merger is the only user. Kept small, since
   * an image has one per path: the name is its raw bytes (no String around them), and children are
   * an open-addressing table of nodes rather than a map of entries.
   */
  static final class Node {
    /** The component's raw bytes: EntryPath's chars, one per byte (ISO-8859-1). */
    final byte[] name;
    final Node parent;
    private Object children; // null, a single Node, or a Children table
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

    Node(byte[] name, Node parent) {
      this.name = name;
      this.parent = parent;
    }

    /** The child named {@code raw[start, end)}, or null. */
    Node child(String raw, int start, int end) {
      if (children == null) {
        return null;
      }
      if (children instanceof Node) {
        Node only = (Node) children;
        return only.named(raw, start, end) ? only : null;
      }
      return ((Children) children).find(raw, start, end);
    }

    Node child(String component) {
      return child(component, 0, component.length());
    }

    Node childOrCreate(String raw, int start, int end) {
      Node existing = child(raw, start, end);
      if (existing != null) {
        return existing;
      }
      byte[] bytes = new byte[end - start];
      for (int i = start; i < end; i++) {
        bytes[i - start] = (byte) raw.charAt(i); // chars are bytes (ISO-8859-1), as EntryPath says
      }
      Node created = new Node(bytes, this);
      if (children == null) {
        children = created;
      } else if (children instanceof Node) {
        Children table = new Children();
        table.add((Node) children);
        table.add(created);
        children = table;
      } else {
        ((Children) children).add(created);
      }
      return created;
    }

    boolean named(String raw, int start, int end) {
      if (name.length != end - start) {
        return false;
      }
      for (int i = 0; i < name.length; i++) {
        if (name[i] != (byte) raw.charAt(start + i)) {
          return false;
        }
      }
      return true;
    }

    boolean hasChildren() {
      return children != null;
    }

    void forEachChild(Consumer<Node> action) {
      if (children instanceof Node) {
        action.accept((Node) children);
      } else if (children != null) {
        ((Children) children).forEach(action);
      }
    }

    EntryPath path() {
      if (parent == null) {
        return EntryPath.ROOT;
      }
      List<Node> parts = new ArrayList<>();
      for (Node n = this; n.parent != null; n = n.parent) {
        parts.add(n);
      }
      StringBuilder sb = new StringBuilder();
      for (int i = parts.size() - 1; i >= 0; i--) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        for (byte b : parts.get(i).name) {
          sb.append((char) (b & 0xff));
        }
      }
      return EntryPath.of(sb.toString());
    }

    /** Orders nodes by name, as unsigned bytes: the order of EntryPath's raw strings. */
    static int compareNames(Node a, Node b) {
      return Arrays.compareUnsigned(a.name, b.name);
    }
  }

  /** A directory's children: nodes in an open-addressing table (linear probing, at most 3/4 full). */
  private static final class Children {
    private Node[] slots = new Node[4];
    private int size;

    Node find(String raw, int start, int end) {
      int mask = slots.length - 1;
      for (int i = hash(raw, start, end) & mask; ; i = (i + 1) & mask) {
        Node n = slots[i];
        if (n == null || n.named(raw, start, end)) {
          return n;
        }
      }
    }

    void add(Node node) {
      if ((size + 1) * 4 > slots.length * 3) {
        Node[] old = slots;
        slots = new Node[old.length * 2];
        for (Node n : old) {
          if (n != null) {
            insert(n);
          }
        }
      }
      insert(node);
      size++;
    }

    private void insert(Node node) {
      int mask = slots.length - 1;
      int i = hash(node.name) & mask;
      while (slots[i] != null) {
        i = (i + 1) & mask;
      }
      slots[i] = node;
    }

    void forEach(Consumer<Node> action) {
      for (Node n : slots) {
        if (n != null) {
          action.accept(n);
        }
      }
    }

    private static int hash(String raw, int start, int end) {
      int h = 0;
      for (int i = start; i < end; i++) {
        h = 31 * h + (raw.charAt(i) & 0xff); // as childOrCreate stores it
      }
      return spread(h);
    }

    private static int hash(byte[] name) {
      int h = 0;
      for (byte b : name) {
        h = 31 * h + (b & 0xff);
      }
      return spread(h);
    }

    /**
     * Mixes every bit into the low ones (murmur3's finaliser): names that differ only in a counter
     * near their end have string hashes a few multiples of 31^k apart, which linear probing would
     * otherwise pile into long runs.
     */
    private static int spread(int h) {
      h ^= h >>> 16;
      h *= 0x85ebca6b;
      h ^= h >>> 13;
      h *= 0xc2b2ae35;
      return h ^ (h >>> 16);
    }
  }

  private final Node root = new Node(new byte[0], null);

  Node root() {
    return root;
  }

  /** The node for {@code path}, or null when no node was made for it. */
  Node find(EntryPath path) {
    String raw = path.raw();
    Node n = root;
    for (int start = 0, end; start < raw.length() && n != null; start = end + 1) {
      end = componentEnd(raw, start);
      n = n.child(raw, start, end);
    }
    return n;
  }

  Node findOrCreate(EntryPath path) {
    String raw = path.raw();
    Node n = root;
    for (int start = 0, end; start < raw.length(); start = end + 1) {
      end = componentEnd(raw, start);
      n = n.childOrCreate(raw, start, end);
    }
    return n;
  }

  /** Where the component starting at {@code start} of a raw path ends: the next slash or the end. */
  static int componentEnd(String raw, int start) {
    int slash = raw.indexOf('/', start);
    return slash < 0 ? raw.length() : slash;
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
