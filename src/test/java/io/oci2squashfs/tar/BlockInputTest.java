package io.oci2squashfs.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BlockInputTest {
  private static final int B = TarConstants.BLOCK_SIZE;

  /** Blocks numbered by their first byte (1, 2, ...), the rest of each filled with that number. */
  private static byte[] blocks(int count) {
    byte[] b = new byte[count * B];
    for (int i = 0; i < count; i++) {
      Arrays.fill(b, i * B, (i + 1) * B, (byte) (i + 1));
    }
    return b;
  }

  private static BlockInput input(byte[] bytes, boolean trickle) {
    InputStream in = new ByteArrayInputStream(bytes);
    return new BlockInput(trickle ? new TarReaderTest.TrickleInputStream(in) : in);
  }

  @Test
  void paddingFillsTheLastBlock() {
    assertEquals(0, BlockInput.padding(0));
    assertEquals(511, BlockInput.padding(1));
    assertEquals(0, BlockInput.padding(B));
    assertEquals(B - 3, BlockInput.padding(3L * B + 3));
    assertTrue(BlockInput.isZeroBlock(new byte[B]));
    byte[] last = new byte[B];
    last[B - 1] = 1;
    assertFalse(BlockInput.isZeroBlock(last));
  }

  @Test
  void blocksAreReadWholeAndTheEndIsClean() throws Exception {
    for (boolean trickle : new boolean[] {false, true}) {
      BlockInput in = input(blocks(2), trickle);
      byte[] block = new byte[B];
      assertTrue(in.readBlock(block, 1));
      assertEquals(1, block[B - 1]);
      assertTrue(in.readBlock(block, 1));
      assertEquals(2, block[0]);
      assertFalse(in.readBlock(block, 1), "a clean end at a block boundary");
      assertFalse(in.readBlock(block, 1), "and again");
    }
  }

  @Test
  void anEndInsideABlockIsATruncatedHeader() {
    BlockInput in = input(Arrays.copyOf(blocks(1), 100), false);
    TarFormatException e =
        assertThrows(TarFormatException.class, () -> in.readBlock(new byte[B], 7));
    assertEquals("truncated: the stream ends inside a header", e.problem());
    assertEquals(7, e.entryNumber());
  }

  @Test
  void skippingTheDataSectionSkipsItsPaddingToo() throws Exception {
    BlockInput in = input(blocks(4), true);
    in.startData(B + 1); // the data ends one byte into block 2; block 3 is the next header
    byte[] first = new byte[10];
    assertTrue(in.readDataFully(first, 10));
    assertEquals(B + 1 - 10, in.dataRemaining());
    assertTrue(in.skipDataAndPadding());
    assertEquals(0, in.dataRemaining());
    byte[] block = new byte[B];
    assertTrue(in.readBlock(block, 1));
    assertEquals(3, block[0]);
    in.startData(2L * B);
    assertFalse(in.skipDataAndPadding(), "only one block is left");
  }

  @Test
  void dataIsReadThroughTheBufferOrPastItForLargeReads() throws Exception {
    int size = 3 * BlockInput.BUFFER_SIZE;
    byte[] tar = new byte[size];
    for (int i = 0; i < size; i++) {
      tar[i] = (byte) (i * 31);
    }
    BlockInput in = input(tar, false);
    in.startData(size);
    byte[] got = new byte[size];
    int n = in.readData(got, 0, 5);
    assertEquals(5, n);
    while (n < size) {
      n += in.readData(got, n, size - n);
    }
    assertArrayEquals(tar, got);
    assertEquals(0, in.dataRemaining());
    assertEquals(-1, in.readData(got, 0, 1));
  }

  @Test
  void dataIsWrittenStraightFromTheBuffer() throws Exception {
    byte[] tar = blocks(3);
    BlockInput in = input(tar, true);
    in.startData(tar.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (in.dataRemaining() > 0) {
      assertTrue(in.writeData(out, in.dataRemaining()) > 0);
    }
    assertArrayEquals(tar, out.toByteArray());
    assertEquals(-1, in.writeData(out, 1));
  }

  @Test
  void metaDataIsReadWithItsPadding() throws Exception {
    byte[] tar = blocks(2);
    BlockInput in = input(tar, false);
    byte[] meta = new byte[3];
    assertTrue(in.readPadded(meta));
    assertArrayEquals(new byte[] {1, 1, 1}, meta);
    assertEquals(B, in.buffered());
    assertFalse(in.readPadded(new byte[B + 1]), "the input ends inside the meta data");
  }
}
