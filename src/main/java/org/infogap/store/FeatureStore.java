package org.infogap.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Image features on disk, keyed by the SHA-256 of the image file's bytes, one SQLite file per image encoder
 * ({@code root/encoderId/features.db}). A record is read when it is asked for: nothing per image is held in
 * memory, and opening reads no per-image data, so memory and start-up do not grow with the collection.
 *
 * <p>SQLite (the annotation store's engine too) in WAL mode with {@code synchronous=FULL}: a write is durable
 * when its transaction commits, a process killed at any moment leaves the last committed state, and several
 * processes (the ablation report's children) may write at once, waiting on the file's lock. The measurement
 * behind the choice is in docs/decisions/2026-12-06-feature-store.md.
 *
 * <p>A store's {@link Precision} is fixed when it is created ({@link #DEFAULT_PRECISION} unless asked) and kept
 * in its {@code meta} table with the encoder's id and the record's length. Feature files of the earlier chunk
 * format in the same folder are copied in once, when the store is opened, and left where they are.
 */
public final class FeatureStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureStore.class);

    /** The smallest precision that keeps every test-split prediction (docs/decisions/2026-12-06-feature-store.md). */
    public static final Precision DEFAULT_PRECISION = Precision.FLOAT16;
    static final int SCHEMA_VERSION = 1;
    static final String FILE = "features.db";

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS features (
              sha256 TEXT PRIMARY KEY,      -- of the image file's bytes, lower-case hex
              data   BLOB NOT NULL          -- the record, in the store's precision (meta)
            );
            CREATE TABLE IF NOT EXISTS counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
            INSERT OR IGNORE INTO counts VALUES ('features', 0);
            CREATE TRIGGER IF NOT EXISTS features_added AFTER INSERT ON features
              BEGIN UPDATE counts SET n = n + 1 WHERE name = 'features'; END;
            CREATE TABLE IF NOT EXISTS legacy_chunks (name TEXT PRIMARY KEY, entries INTEGER NOT NULL);
            """;

    /** Work done in one transaction on the store's writing connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    private static final int LEGACY_MAGIC = 0x49474643; // "IGFC"

    private final Path dir;
    private final Path file;
    private final String encoderId;
    private final int dimensions;
    private final Precision precision;
    private final Connection writer;
    /** Reading connections, opened as reads overlap, at most {@value #READERS}; WAL lets them read beside the writer. */
    private final java.util.concurrent.BlockingQueue<Reader> idle = new java.util.concurrent.LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger readers = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;
    private final Map<String, float[]> pending = new LinkedHashMap<>();

    /**
     * Reads at once: a top-20 from a collection larger than the page cache waits on the disk for each record, and
     * overlapping those waits cuts its time (docs/decisions/2026-12-06-feature-store.md).
     */
    static final int READERS = 4;
    private static final java.util.concurrent.ExecutorService READS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "feature-store-read");
        t.setDaemon(true);
        return t;
    });

    /** A reading connection and its statements, prepared once per query: preparing per read took most of its time. */
    private record Reader(Connection connection, Map<String, PreparedStatement> statements) {
        PreparedStatement statement(String query) throws SQLException {
            PreparedStatement st = statements.get(query);
            if (st == null) {
                st = connection.prepareStatement(query);
                statements.put(query, st);
            }
            return st;
        }
    }

    private FeatureStore(Path dir, String encoderId, int dimensions, Precision precision, Connection writer) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.encoderId = encoderId;
        this.dimensions = dimensions;
        this.precision = precision;
        this.writer = writer;
    }

    /** Opens (creating) the store of one encoder under {@code root/encoderId}, in the default precision if new. */
    public static FeatureStore open(Path root, String encoderId, int dimensions) throws IOException {
        return open(root, encoderId, dimensions, DEFAULT_PRECISION);
    }

    /** Opens (creating in {@code forNew}) the store of one encoder; an existing store keeps its own precision. */
    public static FeatureStore open(Path root, String encoderId, int dimensions, Precision forNew) throws IOException {
        Path dir = root.resolve(encoderId);
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        Connection writer = null;
        try {
            writer = connect(file);
            Precision precision;
            synchronized (FeatureStore.class) { // two stores opened at once in one JVM create the schema once
                precision = schema(writer, file, encoderId, dimensions, forNew);
            }
            FeatureStore store = new FeatureStore(dir, encoderId, dimensions, precision, writer);
            store.convertLegacyChunks();
            return store;
        } catch (SQLException e) {
            closeQuietly(writer);
            throw new IOException(file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(60_000);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    private static Precision schema(Connection c, Path file, String encoderId, int dimensions, Precision forNew)
            throws SQLException, IOException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            for (String sql : SCHEMA.split(";\\s*\\n")) {
                if (!sql.isBlank()) {
                    st.execute(sql);
                }
            }
            Map<String, String> meta = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT key, value FROM meta")) {
                while (rs.next()) {
                    meta.put(rs.getString(1), rs.getString(2));
                }
            }
            if (meta.isEmpty()) {
                try (PreparedStatement put = c.prepareStatement("INSERT INTO meta VALUES (?, ?)")) {
                    for (String[] kv : new String[][] {{"schema", Integer.toString(SCHEMA_VERSION)}, {"encoder", encoderId},
                            {"dimensions", Integer.toString(dimensions)}, {"precision", forNew.name()}}) {
                        put.setString(1, kv[0]);
                        put.setString(2, kv[1]);
                        put.executeUpdate();
                    }
                }
                c.commit();
                return forNew;
            }
            c.commit();
            if (Integer.parseInt(meta.getOrDefault("schema", "0")) > SCHEMA_VERSION) {
                throw new IOException(file + ": a feature store of schema " + meta.get("schema") + ", newer than this "
                        + "infogap reads (" + SCHEMA_VERSION + ")");
            }
            if (!encoderId.equals(meta.get("encoder"))) {
                throw new IOException(file + ": holds the features of image encoder " + meta.get("encoder") + ", not "
                        + encoderId);
            }
            if (Integer.parseInt(meta.get("dimensions")) != dimensions) {
                throw new IOException(file + ": holds " + meta.get("dimensions") + "-d features, expected " + dimensions);
            }
            return Precision.valueOf(meta.get("precision"));
        } catch (SQLException | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path file() {
        return file;
    }

    public String encoderId() {
        return encoderId;
    }

    public int dimensions() {
        return dimensions;
    }

    public Precision precision() {
        return precision;
    }

    /** Bytes of one image's record. */
    public int recordBytes() {
        return precision.bytes(dimensions);
    }

    /** Images with features stored (a counter kept by a trigger: no scan). */
    public long size() {
        return count("features");
    }

    /** A counter of the {@code counts} table (kept by triggers in the same transactions as the rows). */
    public long count(String name) {
        return read(r -> {
            PreparedStatement st = r.statement("SELECT n FROM counts WHERE name = ?");
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }, "counting " + name);
    }

    /** Whether the image of {@code sha256} has features here (stored or added), without reading them. */
    public boolean contains(String sha256) {
        synchronized (pending) {
            if (pending.containsKey(sha256)) {
                return true;
            }
        }
        return read(r -> {
            PreparedStatement st = r.statement("SELECT 1 FROM features WHERE sha256 = ?");
            st.setString(1, sha256);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }, "looking up " + sha256);
    }

    /** The features of an image, by the SHA-256 of its bytes: from disk, or added and not yet flushed. */
    public Optional<float[]> get(String sha256) {
        synchronized (pending) {
            float[] p = pending.get(sha256);
            if (p != null) {
                return Optional.of(p);
            }
        }
        return select("SELECT data FROM features WHERE sha256 = ?", sha256);
    }

    /** The record a one-parameter query selects (its first column), decoded; {@code key} names it in errors. */
    public Optional<float[]> select(String query, String key) {
        byte[] data = read(r -> {
            PreparedStatement st = r.statement(query);
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }, "reading " + key);
        if (data == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(precision.decode(data, dimensions));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": features of " + key + ": " + e.getMessage(), e);
        }
    }

    /** {@link #select} of several keys, on up to {@value #READERS} connections at once; in the keys' order. */
    public List<Optional<float[]>> selectAll(String query, List<String> keys) {
        int parts = Math.min(READERS, keys.size());
        if (parts <= 1) {
            return keys.stream().map(k -> select(query, k)).toList();
        }
        List<java.util.concurrent.Future<List<Optional<float[]>>>> futures = new ArrayList<>();
        int per = (keys.size() + parts - 1) / parts;
        for (int from = per; from < keys.size(); from += per) { // the calling thread reads the first part
            List<String> part = keys.subList(from, Math.min(keys.size(), from + per));
            futures.add(READS.submit(() -> part.stream().map(k -> select(query, k)).toList()));
        }
        List<Optional<float[]>> out = new ArrayList<>(keys.stream().limit(per).map(k -> select(query, k)).toList());
        for (java.util.concurrent.Future<List<Optional<float[]>>> f : futures) {
            try {
                out.addAll(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(file + ": interrupted while reading", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return out;
    }

    /** Adds an entry; it is on disk after the next {@link #flush} (a batch is one transaction). */
    public void put(String sha256, float[] features) {
        check(features);
        synchronized (pending) {
            pending.putIfAbsent(sha256, features);
        }
    }

    /** Entries added and not yet flushed. */
    public int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Writes the entries added since the last flush, in one durable transaction. */
    public void flush() throws IOException {
        transaction(c -> null);
    }

    /**
     * Runs {@code work} in one transaction on the writing connection, with the entries not yet flushed; durable
     * when this returns. {@link #insert} adds features within it.
     */
    public <T> T transaction(Work<T> work) throws IOException {
        synchronized (writer) {
            List<Map.Entry<String, float[]>> batch;
            synchronized (pending) {
                batch = new ArrayList<>(pending.entrySet());
            }
            try {
                writer.setAutoCommit(false);
                try {
                    for (Map.Entry<String, float[]> e : batch) {
                        insert(writer, e.getKey(), e.getValue());
                    }
                    T result = work.run(writer);
                    writer.commit();
                    synchronized (pending) {
                        batch.forEach(e -> pending.remove(e.getKey()));
                    }
                    return result;
                } catch (SQLException | IOException | RuntimeException e) {
                    writer.rollback();
                    throw e;
                } finally {
                    writer.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Stores an image's features within a {@link #transaction}; an image already stored keeps its record. */
    public void insert(Connection c, String sha256, float[] features) throws SQLException {
        check(features);
        try (PreparedStatement st = c.prepareStatement("INSERT OR IGNORE INTO features (sha256, data) VALUES (?, ?)")) {
            st.setString(1, sha256);
            st.setBytes(2, precision.encode(features));
            st.executeUpdate();
        }
    }

    /** A read on one of the reading connections (each sees every committed transaction). */
    public <T> T read(Work<T> work) {
        return read(r -> work.run(r.connection()), "reading");
    }

    @FunctionalInterface
    private interface ReaderWork<T> {
        T run(Reader reader) throws SQLException, IOException;
    }

    private <T> T read(ReaderWork<T> work, String what) {
        Reader r = idle.poll();
        try {
            if (r == null) {
                r = readers.incrementAndGet() <= READERS ? new Reader(connect(file), new java.util.HashMap<>()) : null;
                if (r == null) {
                    readers.decrementAndGet();
                    r = idle.take();
                }
            }
            if (closed) {
                throw new IllegalStateException(file + ": the store is closed");
            }
            return work.run(r);
        } catch (SQLException | IOException e) {
            throw failed(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(what, e);
        } finally {
            if (r != null) {
                if (closed) {
                    closeQuietly(r.connection());
                } else {
                    idle.add(r);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        flush();
        closed = true;
        synchronized (writer) {
            for (Reader r; (r = idle.poll()) != null; ) {
                closeQuietly(r.connection());
            }
            closeQuietly(writer);
        }
    }

    private void check(float[] features) {
        if (features.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " features, got " + features.length);
        }
    }

    private IllegalStateException failed(String what, Exception e) {
        return new IllegalStateException(file + ": " + what + ": " + e.getMessage(), e);
    }

    /**
     * Runs {@code copy} (which returns what it copied) in one transaction, unless a copy of this name committed
     * before: the earlier formats' files are copied in once each, wholly or not at all.
     */
    public int convertOnce(String name, Work<Integer> copy) throws IOException {
        return transaction(c -> {
            try (PreparedStatement seen = c.prepareStatement("SELECT 1 FROM legacy_chunks WHERE name = ?")) {
                seen.setString(1, name);
                try (ResultSet rs = seen.executeQuery()) {
                    if (rs.next()) {
                        return 0;
                    }
                }
            }
            int n = copy.run(c);
            try (PreparedStatement done = c.prepareStatement("INSERT INTO legacy_chunks VALUES (?, ?)")) {
                done.setString(1, name);
                done.setInt(2, n);
                done.executeUpdate();
            }
            return n;
        });
    }

    /** Copies chunk files of the earlier format (one per flush) in, once each; they stay on disk. */
    private void convertLegacyChunks() throws IOException {
        List<Path> chunks = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.chunk")) {
            files.forEach(chunks::add);
        }
        if (chunks.isEmpty()) {
            return;
        }
        chunks.sort(null);
        int converted = 0;
        for (Path chunk : chunks) {
            converted += convertOnce(chunk.getFileName().toString(), c -> readLegacyChunk(chunk, c));
        }
        if (converted > 0) {
            LOG.info("{}: copied {} image features from the earlier cache format's chunk files in {}; those files are "
                    + "no longer read and may be deleted", file, converted, dir);
        }
    }

    private int readLegacyChunk(Path chunk, Connection c) throws IOException, SQLException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(chunk), 1 << 16))) {
            if (in.readInt() != LEGACY_MAGIC || in.readInt() != 1) {
                throw new IOException(chunk + ": not a feature cache chunk of version 1");
            }
            int dims = in.readInt();
            if (dims != dimensions) {
                throw new IOException(chunk + ": holds " + dims + "-d features, expected " + dimensions);
            }
            int n = in.readInt();
            byte[] key = new byte[32];
            for (int i = 0; i < n; i++) {
                in.readFully(key);
                float[] f = new float[dims];
                for (int d = 0; d < dims; d++) {
                    f[d] = in.readFloat();
                }
                insert(c, HexFormat.of().formatHex(key), f);
            }
            return n;
        } catch (java.io.EOFException e) {
            throw new IOException(chunk + ": ends early (a chunk of the earlier format cut short)", e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failure: the failure is what gets reported
            }
        }
    }
}
