package org.infogap.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A job's output folder, written shard by shard so that a killed job is resumed, never trusted half-written.
 *
 * <pre>
 * OUT/_plan/plan.json          what the job is (its identity: input, bundle, ...) and how many shards
 * OUT/_plan/rows/              the job's work list, when it is worth keeping (embed: every distinct image)
 * OUT/_staging/                shards being written
 * OUT/shard-00007/rows/        one committed shard's rows (Parquet) ...
 * OUT/shard-00007/errors/      ... and its bad rows: key, stage, error_class, message
 * OUT/_manifest.json           written last: the schema version, the identity, the shards and their counts
 * </pre>
 *
 * A shard is written under {@code _staging} and committed by one rename of its folder, so it is there whole or not
 * at all; the manifest is written last, by a rename too. A reader ({@link #read}) trusts only a folder with a
 * manifest, and reads only the shards it lists. A rerun of the same job finds the plan, skips the committed shards
 * and redoes the rest; a rerun of another job (another bundle, input, ...) on the same folder is refused.
 */
public final class ShardedOutput {

    /** The layout above; a reader refuses a manifest of another version. */
    public static final int SCHEMA_VERSION = 1;

    /** The bad rows of a job: what was refused (a path, a query id), at which stage, and why. */
    public static final StructType ERRORS = new StructType()
            .add("key", DataTypes.StringType, false)
            .add("stage", DataTypes.StringType, false)
            .add("error_class", DataTypes.StringType, false)
            .add("message", DataTypes.StringType, false);

    static final String MANIFEST = "_manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What a job wrote: {@code rows} and {@code errors} summed over its shards. */
    public record Manifest(int schemaVersion, Map<String, String> identity, int shards, long rows, long errors,
                           List<Long> rowsPerShard, String committedAt) {
    }

    /** What a job's run leaves: the manifest's row and bad-row counts, its shards, how many this run wrote. */
    public record Written(long rows, long errors, int shards, int writtenNow) {
    }

    private record Plan(Map<String, String> identity, int shards) {
    }

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path out;
    private final Map<String, String> identity;
    private Plan plan;

    private ShardedOutput(SparkSession spark, Path out, Map<String, String> identity) throws IOException {
        this.spark = spark;
        this.out = out;
        this.fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
        this.identity = Map.copyOf(identity);
    }

    /**
     * Opens {@code out} for the job described by {@code identity}. A folder planned or committed for another job is
     * refused, naming the first field that differs, unless {@code overwrite}, which deletes it.
     */
    public static ShardedOutput open(SparkSession spark, String out, Map<String, String> identity, boolean overwrite)
            throws IOException {
        ShardedOutput o = new ShardedOutput(spark, new Path(out), identity);
        Path planFile = new Path(o.planDir(), "plan.json");
        if (o.fs.exists(o.out) && overwrite) {
            o.fs.delete(o.out, true);
        } else if (o.fs.exists(planFile)) {
            Plan found = JSON.readValue(read(o.fs, planFile), Plan.class);
            for (String field : new java.util.TreeSet<>(o.identity.keySet())) {
                if (!o.identity.get(field).equals(found.identity().get(field))) {
                    throw new IOException(out + " holds the output of another job: its " + field + " is "
                            + found.identity().get(field) + ", this run's is " + o.identity.get(field)
                            + " (choose another output folder, or pass --overwrite)");
                }
            }
            o.plan = found;
        } else if (o.fs.exists(o.out) && java.util.Arrays.stream(o.fs.listStatus(o.out))
                .anyMatch(f -> !f.getPath().getName().equals("_staging"))) {
            // (a run killed while planning leaves only _staging: its folders are never reused, the next run goes on)
            throw new IOException(out + " exists and was not written by this job (no " + planFile.getName()
                    + " under _plan): choose another output folder, or pass --overwrite");
        }
        return o;
    }

    /** What an earlier run of this job committed, when it committed everything: then there is nothing left to do. */
    public java.util.Optional<Written> committed() throws IOException {
        if (!fs.exists(new Path(out, MANIFEST))) {
            return java.util.Optional.empty();
        }
        Manifest m = manifest(spark, out.toString());
        return java.util.Optional.of(new Written(m.rows(), m.errors(), m.shards(), 0));
    }

    /** True when the work list is decided (by this run or one before it). */
    public boolean planned() {
        return plan != null;
    }

    /** How many shards the plan has. */
    public int shards() {
        return plan.shards();
    }

    /** The plan's work list, as {@link #plan} kept it. */
    public Dataset<Row> planRows() {
        return spark.read().parquet(new Path(planDir(), "rows").toString());
    }

    /**
     * Decides the plan once: {@code rows} (null: none worth keeping), the bad rows found so far and the number of
     * shards, committed together by one rename.
     */
    public void plan(Dataset<Row> rows, Dataset<Row> errors, int shards) throws IOException {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1: " + shards);
        }
        Path staging = staging("plan");
        if (rows != null) {
            rows.write().mode(SaveMode.Overwrite).parquet(new Path(staging, "rows").toString());
        }
        writeErrors(new Path(staging, "errors"), errors);
        Plan p = new Plan(identity, shards);
        write(fs, new Path(staging, "plan.json"), JSON.writeValueAsBytes(p));
        rename(staging, planDir());
        plan = p;
    }

    /** The shards no run has committed yet, in order. */
    public List<Integer> pending() throws IOException {
        List<Integer> left = new ArrayList<>();
        for (int k = 0; k < plan.shards(); k++) {
            if (!fs.exists(shardDir(k))) {
                left.add(k);
            }
        }
        return left;
    }

    /**
     * Writes shard {@code k}'s rows, then the bad rows its tasks reported while writing them (read after the write),
     * under {@code _staging}, and commits both by one rename.
     */
    public void commit(int k, Dataset<Row> rows, Supplier<List<Row>> errors) throws IOException {
        Path staging = staging(String.format("shard-%05d", k));
        rows.write().mode(SaveMode.Overwrite).parquet(new Path(staging, "rows").toString());
        writeErrors(new Path(staging, "errors"), errors.get());
        rename(staging, shardDir(k));
    }

    /**
     * Writes the manifest, last, once every shard is committed; the folder is then what readers trust.
     *
     * @param writtenNow the shards this run committed
     */
    public Written finish(int writtenNow) throws IOException {
        List<Integer> left = pending();
        if (!left.isEmpty()) {
            throw new IllegalStateException(out + ": shards " + left + " are not committed");
        }
        List<Long> perShard = new ArrayList<>();
        long rows = 0;
        for (int k = 0; k < plan.shards(); k++) {
            long n = spark.read().parquet(new Path(shardDir(k), "rows").toString()).count();
            perShard.add(n);
            rows += n;
        }
        long errors = errorsOf(spark, out, plan.shards()).count();
        Manifest m = new Manifest(SCHEMA_VERSION, new java.util.TreeMap<>(identity), plan.shards(), rows, errors, perShard,
                Instant.now().toString());
        Path tmp = new Path(out, "_manifest.json.tmp");
        write(fs, tmp, JSON.writeValueAsBytes(m));
        rename(tmp, new Path(out, MANIFEST));
        fs.delete(new Path(out, "_staging"), true);
        return new Written(m.rows(), m.errors(), m.shards(), writtenNow);
    }

    /** The manifest of a committed output folder; a folder without one is refused (its job did not finish). */
    public static Manifest manifest(SparkSession spark, String out) throws IOException {
        Path dir = new Path(out);
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        Path file = new Path(dir, MANIFEST);
        if (!fs.exists(file)) {
            throw new IOException(out + " has no " + MANIFEST + ": the job writing it did not finish (run it again to "
                    + "complete it); its shards are not read until then");
        }
        Manifest m = JSON.readValue(read(fs, file), Manifest.class);
        if (m.schemaVersion() != SCHEMA_VERSION) {
            throw new IOException(file + ": schemaVersion " + m.schemaVersion() + ", this version reads "
                    + SCHEMA_VERSION);
        }
        return m;
    }

    /** The rows of a committed output folder: the shards its manifest lists, nothing else. */
    public static Dataset<Row> read(SparkSession spark, String out) throws IOException {
        Manifest m = manifest(spark, out);
        String[] shards = new String[m.shards()];
        for (int k = 0; k < shards.length; k++) {
            shards[k] = new Path(shardDir(new Path(out), k), "rows").toString();
        }
        return spark.read().parquet(shards);
    }

    /** The bad rows of a committed output folder: the plan's and every shard's. */
    public static Dataset<Row> errors(SparkSession spark, String out) throws IOException {
        return errorsOf(spark, new Path(out), manifest(spark, out).shards());
    }

    /** The bad rows as a job's tasks report them: one {@link #ERRORS} row. */
    public static Row error(String key, String stage, Throwable e) {
        return RowFactory.create(key, stage, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }

    private static Dataset<Row> errorsOf(SparkSession spark, Path out, int shards) {
        List<String> paths = new ArrayList<>();
        paths.add(new Path(new Path(out, "_plan"), "errors").toString());
        for (int k = 0; k < shards; k++) {
            paths.add(new Path(shardDir(out, k), "errors").toString());
        }
        return spark.read().schema(ERRORS).parquet(paths.toArray(String[]::new));
    }

    private void writeErrors(Path dir, List<Row> errors) {
        writeErrors(dir, spark.createDataFrame(errors, ERRORS));
    }

    private static void writeErrors(Path dir, Dataset<Row> errors) {
        // a task retried by Spark reports its bad rows again: keep each (key, stage) once
        errors.dropDuplicates("key", "stage").coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.toString());
    }

    private Path planDir() {
        return new Path(out, "_plan");
    }

    private Path shardDir(int k) {
        return shardDir(out, k);
    }

    private static Path shardDir(Path out, int k) {
        return new Path(out, String.format("shard-%05d", k));
    }

    /** A fresh folder under {@code _staging}: what a killed run left there is never reused. */
    private Path staging(String name) throws IOException {
        Path dir = new Path(new Path(out, "_staging"), name + "-" + UUID.randomUUID());
        fs.mkdirs(dir.getParent());
        return dir;
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to + (fs.exists(to) ? ": it exists" : ""));
        }
    }

    private static byte[] read(FileSystem fs, Path file) throws IOException {
        try (var in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    private static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (OutputStream o = fs.create(file, true)) {
            o.write(bytes);
        }
    }
}
