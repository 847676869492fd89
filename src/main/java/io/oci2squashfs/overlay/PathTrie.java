package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The merge's memory of paths: what newer layers emitted at each path and which layers hide what
 * below it. A path is stored once, as a chain of components shared with its siblings: about 64
 * bytes a path (node, table slot) plus its name's bytes, where a map of strings would take 180.
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
   * an image has one per path (48 bytes): the name lives in the trie's {@link Names} (no array per
   * name), the rare whiteout and opaque layers in a side object, and children are an
   * open-addressing table of nodes rather than a map of entries.
   */
  static final class Node {
    private static final State[] STATES = State.values();
    private static final int STATE_BITS = 0x7;
    private static final int WRITTEN = 0x8;

    /**
     * The component's raw bytes in {@link #names}: EntryPath's chars, one per byte (ISO-8859-1).
     */
    private final long name;

    private final Names names;
    final Node parent;
    private Object children; // null, a single Node, or a Children table

    /** The layer whose entry set {@link #state()}. */
    int stateLayer = NO_LAYER;

    /** That entry's position in its layer (1-based), so links can tell what came before them. */
    private int stateOrdinal;

    /** Layers that hide this path or what is below it; null while none does, as for most paths. */
    private Hiding hiding;

    /**
     * The state's ordinal, and {@link #WRITTEN}: one byte where an enum and a boolean took five.
     */
    private byte flags;

    private Node(long name, Names names, Node parent) {
      this.name = name;
      this.names = names;
      this.parent = parent;
    }

    /** What was emitted at this path so far. */
    State state() {
      return STATES[flags & STATE_BITS];
    }

    void state(State state) {
      flags = (byte) ((flags & ~STATE_BITS) | state.ordinal());
    }

    /** Sets the state and the layer and position of the entry that set it. */
    void state(State state, int layer, long ordinal) {
      state(state);
      stateLayer = layer;
      stateOrdinal = Math.toIntExact(ordinal); // the merger refuses layers of more entries
    }

    long stateOrdinal() {
      return stateOrdinal;
    }

    /**
     * True once this path's entry is in the output (a reserved hard link is not, until resolved).
     */
    boolean written() {
      return (flags & WRITTEN) != 0;
    }

    void markWritten() {
      flags |= WRITTEN;
    }

    /** A node in no trie, with no name: for sentinels. */
    static Node detached() {
      return new Node(0L, null, null);
    }

    /**
     * Lowest (oldest) layer whose whiteout hides this path and all below it from still lower
     * layers.
     */
    int hideLayer() {
      return hiding == null ? NO_LAYER : hiding.hide;
    }

    /**
     * Lowest layer whose non-directory replaced this path (while a newer layer has a directory
     * here): hides like a whiteout, but acts in tar order, not before the layer's own entries.
     */
    int replaceLayer() {
      return hiding == null ? NO_LAYER : hiding.replace;
    }

    /** Lowest layer whose opaque marker hides this directory's children from still lower layers. */
    int opaqueLayer() {
      return hiding == null ? NO_LAYER : hiding.opaque;
    }

    void hiddenBy(int layer) {
      hiding().hide = Math.min(hiding.hide, layer);
    }

    void replacedBy(int layer) {
      hiding().replace = Math.min(hiding.replace, layer);
    }

    void madeOpaqueBy(int layer) {
      hiding().opaque = Math.min(hiding.opaque, layer);
    }

    /**
     * Whether an older layer's entry right below this path was dropped because a newer layer hid
     * it: a lower symlink here may have been gone through ({@link SymlinkSuspects}).
     */
    boolean hidEntriesBelow() {
      return hiding != null && hiding.entriesBelow;
    }

    void hidEntryBelow() {
      hiding().entriesBelow = true;
    }

    private Hiding hiding() {
      if (hiding == null) {
        hiding = new Hiding();
      }
      return hiding;
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
      Node created = new Node(names.add(raw, start, end), names, this);
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
      int len = Names.length(name);
      if (len != end - start) {
        return false;
      }
      byte[] chunk = names.chunk(name);
      int off = Names.offset(name);
      for (int i = 0; i < len; i++) {
        if (chunk[off + i] != (byte) raw.charAt(start + i)) {
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
        Node n = parts.get(i);
        byte[] chunk = n.names.chunk(n.name);
        for (int j = Names.offset(n.name), e = j + Names.length(n.name); j < e; j++) {
          sb.append((char) (chunk[j] & 0xff));
        }
      }
      return EntryPath.of(sb.toString());
    }

    private int nameHash() {
      int h = 0;
      int len = Names.length(name);
      if (len > 0) {
        byte[] chunk = names.chunk(name);
        for (int i = Names.offset(name), e = i + len; i < e; i++) {
          h = 31 * h + (chunk[i] & 0xff);
        }
      }
      return h;
    }

    /** Orders nodes by name, as unsigned bytes: the order of EntryPath's raw strings. */
    static int compareNames(Node a, Node b) {
      int la = Names.length(a.name);
      int lb = Names.length(b.name);
      byte[] ca = la == 0 ? null : a.names.chunk(a.name);
      byte[] cb = lb == 0 ? null : b.names.chunk(b.name);
      int oa = Names.offset(a.name);
      int ob = Names.offset(b.name);
      return Arrays.compareUnsigned(
          ca == null ? new byte[0] : ca, oa, oa + la, cb == null ? new byte[0] : cb, ob, ob + lb);
    }
  }

  /** The layers that hide a node or what is below it: few nodes have any. */
  private static final class Hiding {
    int hide = NO_LAYER;
    int replace = NO_LAYER;
    int opaque = NO_LAYER;
    boolean entriesBelow;
  }

  /**
   * Every component name of one trie, end to end in a few large arrays, each name referred to by a
   * long (array, offset, length): a name costs its bytes, not also an array header and padding.
   */
  static final class Names {
    private static final int MAX_CHUNK = 1 << 20;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] last = new byte[0];
    private int used;

    /** Stores {@code raw[start, end)}, chars as bytes (names are at most 255 bytes). */
    long add(String raw, int start, int end) {
      int len = end - start;
      if (len == 0) {
        return 0L;
      }
      if (used + len > last.length) {
        // small tries (most tests) stay small; big ones end up in 1 MiB arrays
        last = new byte[Math.max(len, Math.min(MAX_CHUNK, Math.max(256, last.length * 2)))];
        chunks.add(last);
        used = 0;
      }
      for (int i = 0; i < len; i++) {
        last[used + i] = (byte) raw.charAt(start + i);
      }
      long ref = ((long) (chunks.size() - 1) << 40) | ((long) used << 16) | len;
      used += len;
      return ref;
    }

    static int length(long ref) {
      return (int) (ref & 0xffff);
    }

    static int offset(long ref) {
      return (int) ((ref >>> 16) & 0xffffff);
    }

    byte[] chunk(long ref) {
      return chunks.get((int) (ref >>> 40));
    }
  }

  /**
   * A directory's children: nodes in an open-addressing table (linear probing, at most 3/4 full).
   */
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
      int i = spread(node.nameHash()) & mask;
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

  private final Names names = new Names();
  private final Node root = new Node(0L, names, null);

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

  /**
   * Where the component starting at {@code start} of a raw path ends: the next slash or the end.
   */
  static int componentEnd(String raw, int start) {
    int slash = raw.indexOf('/', start);
    return slash < 0 ? raw.length() : slash;
  }

  /**
   * What newer layers decided about a path, as {@link #lookup} finds it: the node there (null when
   * there is none), or, when a newer layer hid the path, the node that hid it.
   *
   * @param hiderStays the hider itself survives (an opaque marker hides only a directory's
   *     children)
   * @param hiderIsPath the hider is the path's own node, not one above it
   * @param belowOwnNonDir the hider is a non-directory the current layer itself made
   */
  record Lookup(
      Node node, Node hider, boolean hiderStays, boolean hiderIsPath, boolean belowOwnNonDir) {
    boolean hidden() {
      return hider != null;
    }

    static Lookup at(Node node) {
      return new Lookup(node, null, false, false, false);
    }

    static Lookup hiddenBy(Node hider, boolean stays) {
      return new Lookup(null, hider, stays, false, false);
    }
  }

  /**
   * The path as the entries of layer {@code layer} see it: its node, or what hid it from layers
   * that old (a whiteout, an opaque marker above it, a non-directory at or above it).
   */
  Lookup lookup(EntryPath path, int layer) {
    Node n = root;
    if (n.opaqueLayer() != NO_LAYER) {
      return Lookup.hiddenBy(n, true);
    }
    String raw = path.raw();
    int start = 0;
    while (true) {
      int end = componentEnd(raw, start);
      boolean last = end == raw.length();
      n = n.child(raw, start, end);
      if (n == null) {
        return Lookup.at(null);
      }
      if (n.hideLayer() != NO_LAYER || n.replaceLayer() != NO_LAYER) {
        return new Lookup(null, n, false, last, false);
      }
      if (last) {
        return Lookup.at(n);
      }
      if (n.opaqueLayer() != NO_LAYER) {
        return Lookup.hiddenBy(n, true);
      }
      if (n.state() == State.NON_DIR) {
        return new Lookup(null, n, false, false, n.stateLayer == layer);
      }
      start = end + 1;
    }
  }

  /**
   * The layer, newer than {@code current} and not newer than {@code asOf}, whose whiteout, opaque
   * marker or non-directory removed {@code path} for an entry of layer {@code asOf} at position
   * {@code asOfOrdinal}; {@link #NO_LAYER} if none did.
   */
  int goneBetween(EntryPath path, int current, int asOf, long asOfOrdinal) {
    Node n = root;
    if (n.opaqueLayer() <= asOf) {
      return n.opaqueLayer();
    }
    List<String> parts = path.components();
    for (int i = 0; i < parts.size(); i++) {
      n = n.child(parts.get(i));
      if (n == null) {
        return NO_LAYER;
      }
      if (n.hideLayer() <= asOf) {
        return n.hideLayer(); // whiteouts act before their layer's entries, links included
      }
      if (n.replaceLayer() < asOf) {
        return n.replaceLayer(); // one in the link's own layer came after it in tar order
      }
      boolean last = i == parts.size() - 1;
      if (!last && n.opaqueLayer() <= asOf) {
        return n.opaqueLayer();
      }
      // one from the link's own layer came after the link in tar order (linkTo checked those before
      // it)
      if (!last && n.state() == State.NON_DIR && n.stateLayer < asOf) {
        return n.stateLayer;
      }
      if (last
          && n.state() == State.IMPLICIT_DIR
          && n.stateLayer > current
          && (n.stateLayer < asOf || n.stateLayer == asOf && n.stateOrdinal() < asOfOrdinal)) {
        return n.stateLayer; // a newer layer put entries below it (before the link): it became a
        // directory
      }
    }
    return NO_LAYER;
  }

  /** Whether any merged layer put something at {@code path}, or removed it or an ancestor. */
  boolean touched(EntryPath path) {
    Node n = root;
    if (n.opaqueLayer() != NO_LAYER) {
      return true;
    }
    List<String> parts = path.components();
    for (int i = 0; i < parts.size(); i++) {
      n = n.child(parts.get(i));
      if (n == null) {
        return false;
      }
      boolean last = i == parts.size() - 1;
      if (n.hideLayer() != NO_LAYER
          || n.replaceLayer() != NO_LAYER
          || (last
              ? n.state() != State.NONE
              : n.opaqueLayer() != NO_LAYER || n.state() == State.NON_DIR)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether newer layers put anything below {@code path}, or had an entry below it that a still
   * newer layer hid (its parent directory is marked then): a lower symlink there may have been gone
   * through ({@link SymlinkSuspects}).
   */
  boolean anythingBelow(EntryPath path) {
    Node n = find(path);
    return n != null && (n.hasChildren() || n.hidEntriesBelow());
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
