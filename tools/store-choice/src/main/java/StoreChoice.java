import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * One store per run (a fresh JVM each, so resident memory is its own): N durable puts of fixed-size
 * records, a reopen, then top-20 style reads of random keys. Prints one line of figures.
 * Usage: StoreChoice lmdb|rocksdb|sqlite DIR N VALUE_BYTES
 */
public final class StoreChoice {

    interface Store extends AutoCloseable {
        void put(byte[] key, byte[] value) throws Exception;

        byte[] get(byte[] key) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        Path dir = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        int valueBytes = Integer.parseInt(args[3]);
        Files.createDirectories(dir);
        Random random = new Random(7);
        byte[] value = new byte[valueBytes];
        long[] putNanos = new long[n];
        try (Store s = open(kind, dir)) {
            for (int i = 0; i < n; i++) {
                random.nextBytes(value);
                long t = System.nanoTime();
                s.put(key(i), value);
                putNanos[i] = System.nanoTime() - t;
            }
        }
        long t0 = System.nanoTime();
        Store s = open(kind, dir);
        double openMs = (System.nanoTime() - t0) / 1e6;
        int queries = 1000;
        long[] q = new long[queries];
        long sink = 0;
        for (int i = 0; i < queries; i++) {
            long t = System.nanoTime();
            for (int j = 0; j < 20; j++) {
                byte[] v = s.get(key(random.nextInt(n)));
                sink += v[valueBytes - 1];
            }
            q[i] = System.nanoTime() - t;
        }
        s.close();
        int tenth = Math.max(1, n / 10);
        System.out.printf("%s n=%d value=%d B: puts/s first tenth %.0f, last tenth %.0f; reopen %.1f ms; "
                        + "top-20 read p50 %.2f ms p99 %.2f ms; disk %.1f MB (%.0f B/record); %s (%d)%n",
                kind, n, valueBytes, tenth / seconds(putNanos, 0, tenth), tenth / seconds(putNanos, n - tenth, n),
                openMs, pct(q, 0.5), pct(q, 0.99), du(dir) / 1e6, du(dir) / (double) n, rss(), sink & 1);
    }

    static Store open(String kind, Path dir) throws Exception {
        switch (kind) {
            case "lmdb": {
                Env<ByteBuffer> env = Env.create().setMapSize(1L << 40).setMaxDbs(1).open(dir.toFile());
                Dbi<ByteBuffer> db = env.openDbi("features", DbiFlags.MDB_CREATE);
                return new Store() {
                    final ByteBuffer k = ByteBuffer.allocateDirect(32);
                    ByteBuffer v = ByteBuffer.allocateDirect(1);

                    public void put(byte[] key, byte[] value) {
                        if (v.capacity() < value.length) {
                            v = ByteBuffer.allocateDirect(value.length);
                        }
                        k.clear().put(key).flip();
                        v.clear().put(value).flip();
                        try (Txn<ByteBuffer> txn = env.txnWrite()) {
                            db.put(txn, k, v);
                            txn.commit();
                        }
                    }

                    public byte[] get(byte[] key) {
                        k.clear().put(key).flip();
                        try (Txn<ByteBuffer> txn = env.txnRead()) {
                            ByteBuffer found = db.get(txn, k);
                            byte[] out = new byte[found.remaining()];
                            found.get(out);
                            return out;
                        }
                    }

                    public void close() {
                        env.close();
                    }
                };
            }
            case "rocksdb": {
                RocksDB.loadLibrary();
                Options options = new Options().setCreateIfMissing(true).setEnableBlobFiles(true).setMinBlobSize(4096);
                RocksDB db = RocksDB.open(options, dir.toString());
                WriteOptions sync = new WriteOptions().setSync(true);
                return new Store() {
                    public void put(byte[] key, byte[] value) throws Exception {
                        db.put(sync, key, value);
                    }

                    public byte[] get(byte[] key) throws Exception {
                        return db.get(key);
                    }

                    public void close() {
                        db.close();
                        options.close();
                        sync.close();
                    }
                };
            }
            case "sqlite": {
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("features.db"));
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA journal_mode=WAL");
                    st.execute("PRAGMA synchronous=FULL");
                    st.execute("CREATE TABLE IF NOT EXISTS features (k BLOB PRIMARY KEY, v BLOB NOT NULL)");
                }
                PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO features (k, v) VALUES (?, ?)");
                PreparedStatement select = c.prepareStatement("SELECT v FROM features WHERE k = ?");
                return new Store() {
                    public void put(byte[] key, byte[] value) throws Exception {
                        insert.setBytes(1, key);
                        insert.setBytes(2, value);
                        insert.executeUpdate();
                    }

                    public byte[] get(byte[] key) throws Exception {
                        select.setBytes(1, key);
                        try (ResultSet rs = select.executeQuery()) {
                            rs.next();
                            return rs.getBytes(1);
                        }
                    }

                    public void close() throws Exception {
                        c.close();
                    }
                };
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    static byte[] key(int i) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Integer.toString(i).getBytes());
    }

    static double seconds(long[] nanos, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            sum += nanos[i];
        }
        return sum / 1e9;
    }

    static double pct(long[] nanos, double p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(p * (s.length - 1)))] / 1e6;
    }

    static long du(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (Exception e) {
                    return 0L;
                }
            }).sum();
        }
    }

    static String rss() throws Exception {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM") || line.startsWith("RssAnon") || line.startsWith("RssFile")) {
                b.append(line.replaceAll("\\s+", " ")).append("; ");
            }
        }
        return b.toString();
    }
}
