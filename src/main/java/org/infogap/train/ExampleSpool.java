package org.infogap.train;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Function;
import org.infogap.model.Example;
import org.infogap.model.ImageFeatures;

/**
 * Examples written once to a file and read back one at a time, so that an epoch over a COCO-sized corpus holds an
 * int per pair (its place in the shuffled order) rather than every pair's token ids, key and references (issue 34;
 * about 1.1 KB a pair held in memory before). A record holds the pair's key, its image's content hash, its token ids
 * per sentence and per caption phrase, and its levels; the image's features (and decoder target) are the feature
 * stores' records of that hash, read when a batch asks for them, as before.
 *
 * <p>Two files in a folder of their own, deleted on {@link #close()}: the records, and their offsets (8 bytes
 * each). Reads are positional, so batches may be read from several threads.
 */
public final class ExampleSpool implements AutoCloseable {

    private static final String RECORDS = "records.bin";
    private static final String OFFSETS = "offsets.bin";

    private final Path dir;
    private final FileChannel records;
    private final FileChannel offsets;
    private final int size;
    private final long end;
    private final Function<String, ImageFeatures> features;
    private final Function<String, ImageFeatures> targets;

    private ExampleSpool(Path dir, int size, Function<String, ImageFeatures> features,
                         Function<String, ImageFeatures> targets) throws IOException {
        this.dir = dir;
        this.records = FileChannel.open(dir.resolve(RECORDS), StandardOpenOption.READ);
        this.offsets = FileChannel.open(dir.resolve(OFFSETS), StandardOpenOption.READ);
        this.size = size;
        this.end = records.size();
        this.features = features;
        this.targets = targets;
    }

    /** A writer into {@code dir}, which is emptied first (a killed run's spool is not read again). */
    public static Writer create(Path dir) throws IOException {
        delete(dir);
        Files.createDirectories(dir);
        return new Writer(dir);
    }

    /** How many examples it holds. */
    public int size() {
        return size;
    }

    /** The examples in the order they were written, each read from the file when asked for. */
    public List<Example> examples() {
        return examples(null);
    }

    /** The examples in the order of {@code slots} (written positions; null: as written). */
    public List<Example> examples(int[] slots) {
        return new View(slots);
    }

    /** Reads the example written at position {@code slot}. */
    public Example read(int slot) {
        if (slot < 0 || slot >= size) {
            throw new IndexOutOfBoundsException(slot + " of " + size);
        }
        try {
            ByteBuffer at = ByteBuffer.allocate(slot + 1 < size ? 16 : 8);
            readFully(offsets, at, (long) slot * Long.BYTES);
            at.flip();
            long from = at.getLong();
            long to = at.remaining() >= Long.BYTES ? at.getLong() : end;
            ByteBuffer record = ByteBuffer.allocate(Math.toIntExact(to - from));
            readFully(records, record, from);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(record.array()));
            String key = in.readUTF();
            String hash = in.readUTF();
            List<int[]> sentences = readIds(in);
            List<int[]> captions = readIds(in);
            int cmi = in.readByte();
            int sc = in.readByte();
            return new Example(key, features.apply(hash), sentences, captions, targets == null ? null : targets.apply(hash),
                    cmi, sc);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": example " + slot + " could not be read", e);
        }
    }

    @Override
    public void close() throws IOException {
        records.close();
        offsets.close();
        delete(dir);
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) {
                throw new IOException("the spool ends early");
            }
        }
    }

    private static List<int[]> readIds(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] ids = new int[in.readUnsignedShort()];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = in.readInt();
            }
            out.add(ids);
        }
        return out;
    }

    private static void delete(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            for (String name : List.of(RECORDS, OFFSETS)) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }

    private final class View extends AbstractList<Example> implements RandomAccess {
        private final int[] slots;

        View(int[] slots) {
            this.slots = slots;
        }

        @Override
        public Example get(int index) {
            return read(slots == null ? index : slots[index]);
        }

        @Override
        public int size() {
            return slots == null ? size : slots.length;
        }
    }

    /** Appends examples; {@link #finish} makes the spool that reads them. */
    public static final class Writer implements AutoCloseable {
        private final Path dir;
        private final OutputStream records;
        private final DataOutputStream offsets;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private long written;
        private int count;
        private boolean closed;

        private Writer(Path dir) throws IOException {
            this.dir = dir;
            this.records = new BufferedOutputStream(Files.newOutputStream(dir.resolve(RECORDS)), 1 << 16);
            this.offsets = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(OFFSETS)), 1 << 16));
        }

        /**
         * One example: its key, its image's content hash, its token ids (at most 65,535 sentences or phrases of at
         * most 65,535 tokens; the text limits cut far below), and its levels (-1 when unlabelled).
         */
        public void add(String key, String imageHash, List<int[]> sentences, List<int[]> captions, int cmi, int sc)
                throws IOException {
            buffer.reset();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeUTF(key);
            out.writeUTF(imageHash);
            writeIds(out, sentences);
            writeIds(out, captions);
            out.writeByte(cmi);
            out.writeByte(sc);
            out.flush();
            offsets.writeLong(written);
            buffer.writeTo(records);
            written += buffer.size();
            count++;
        }

        /** How many examples were added. */
        public int count() {
            return count;
        }

        /**
         * Closes the files and opens the spool; each example's image is {@code features} of its hash, its decoder
         * target {@code targets} of it (null: none).
         */
        public ExampleSpool finish(Function<String, ImageFeatures> features, Function<String, ImageFeatures> targets)
                throws IOException {
            close();
            return new ExampleSpool(dir, count, features, targets);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                records.close();
                offsets.close();
            }
        }

        private static void writeIds(DataOutputStream out, List<int[]> ids) throws IOException {
            if (ids.size() > 0xFFFF) {
                throw new IllegalArgumentException(ids.size() + " sentences or phrases: a record holds at most 65,535");
            }
            out.writeShort(ids.size());
            for (int[] s : ids) {
                if (s.length > 0xFFFF) {
                    throw new IllegalArgumentException(s.length + " tokens: a record holds at most 65,535 per sentence");
                }
                out.writeShort(s.length);
                for (int id : s) {
                    out.writeInt(id);
                }
            }
        }
    }
}
