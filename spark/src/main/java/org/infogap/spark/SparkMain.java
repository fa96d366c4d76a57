package org.infogap.spark;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The Spark applications' entry point: {@code spark-submit --class org.infogap.spark.SparkMain ... embed ...}. */
@Command(name = "infogap-spark", mixinStandardHelpOptions = true, subcommands = {SparkMain.Embed.class, SparkMain.Import.class, SparkMain.Score.class, SparkMain.Bench.class, SparkMain.Demo.class},
        description = "infogap's batch jobs on Apache Spark.")
public final class SparkMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static {
        // the driver's native build, before anything loads ND4J (executors choose theirs in ShippedBundle)
        org.infogap.model.NativeBuild.select();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkMain()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * One task per executor unless the job says otherwise: ND4J's threads already use every core of an executor for
     * one batch, and tasks of one executor take turns on its model (DL4J graphs are not thread-safe), so a second
     * task would only wait, holding its partition in memory. ND4J's OpenMP threads match the executor's cores (OpenMP
     * would otherwise take every core of the host, which YARN or Kubernetes shares with other executors).
     */
    static SparkConf oneTaskPerExecutor(SparkConf conf) {
        if (conf.contains("spark.executor.cores")) {
            if (!conf.contains("spark.task.cpus")) {
                conf.set("spark.task.cpus", conf.get("spark.executor.cores"));
            }
            if (!conf.contains("spark.executorEnv.OMP_NUM_THREADS")) {
                conf.set("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.executor.cores"));
            }
        }
        return conf;
    }

    /** Work on a session (the master and settings spark-submit gives), stopped afterwards. */
    @FunctionalInterface
    interface Job {
        void run(SparkSession spark) throws Exception;
    }

    static int job(String name, Job job) throws Exception {
        SparkSession spark = SparkSession.builder().config(oneTaskPerExecutor(new SparkConf())).appName(name).getOrCreate();
        try {
            job.run(spark);
            return 0;
        } finally {
            spark.stop();
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Candidate lists scored as POST /v1/candidates scores them: a table of query_id, text and image (an "
                + "image id as import registers it) against what embed wrote; Parquet out with both measures' level, "
                + "probabilities, expected value and keep.")
    static final class Score implements Callable<Integer> {

        @Option(names = "--candidates", required = true, description = "Parquet, or JSON lines (.json, .jsonl)")
        String candidates;

        @Option(names = "--embedded", required = true, description = "What embed wrote (its --out)")
        String embedded;

        @Option(names = "--model", required = true, description = "Classifier bundle (ship it with --files and name it here)")
        Path model;

        @Option(names = "--min-cmi", description = "keep needs at least this CMI level")
        Double minCmi;

        @Option(names = "--min-sc", description = "keep needs at least this SC level")
        Double minSc;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            return job("infogap score", spark -> {
                ShardedOutput.Written w = SparkScore.run(spark, candidates, embedded, model, minCmi, minSc, output.out,
                        output.shards, output.onBad, output.overwrite);
                System.out.printf("scored %d candidates -> %s (%d shards, %d scored by this run; %d refused rows in its "
                        + "error table: candidates naming no embedded image, empty texts)%n", w.rows(), output.out,
                        w.shards(), w.writtenNow(), w.errors());
            });
        }
    }

    /** What the jobs that write a {@link ShardedOutput} share. */
    static final class Output {

        @Option(names = "--out", required = true, description = "Output folder: committed shards of Parquet and a "
                + "manifest written last; a rerun completes what a killed run left")
        String out;

        @Option(names = "--shards", defaultValue = "0", description = "How many shards (the unit of a rerun). Default: "
                + "by the input's size")
        int shards;

        @Option(names = "--on-bad", defaultValue = "SKIP", description = "A bad row: SKIP (into the error table) or FAIL "
                + "(the job). Default: ${DEFAULT-VALUE}")
        SparkEmbed.OnBad onBad;

        @Option(names = "--overwrite", description = "Delete what --out holds, even another job's output")
        boolean overwrite;
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Registers what embed wrote in the API's image store (serve --store), each image under its file's "
                + "name; run it where the store's disk is (the rows come to the driver a partition at a time).")
    static final class Import implements Callable<Integer> {

        @Option(names = {"--embedded", "--parquet"}, required = true, description = "What embed wrote (its --out)")
        String parquet;

        @Option(names = "--store", defaultValue = "models/serve-store", description = "The API's image store. Default: ${DEFAULT-VALUE}")
        Path store;

        @Override
        public Integer call() throws Exception {
            return job("infogap import", spark -> System.out.printf("registered %d images in %s%n",
                    StoreImport.importInto(spark, parquet, store), store));
        }
    }

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Every image under a path through a classifier bundle's image encoder, one Parquet row per distinct "
                + "image (content SHA-256): the features as the feature store keeps them, the encoder id, the bundle's hash.")
    static final class Embed implements Callable<Integer> {

        @ArgGroup(multiplicity = "1")
        Images images;

        static final class Images {
            @Option(names = "--images", required = true, description = "Folder of images, read recursively (local, hdfs:, "
                    + "s3a: as the cluster reads them)")
            String folder;

            @Option(names = "--table", required = true, description = "Parquet or JSON lines (.json, .jsonl) with a "
                    + "column of image references (paths or URIs the cluster reads; never http)")
            String table;

            @Option(names = "--corpus", required = true, description = "A corpus manifest: the images of its pairs")
            String corpus;
        }

        @Option(names = "--column", defaultValue = "image", description = "--table's column of references. Default: "
                + "${DEFAULT-VALUE}")
        String column;

        @Option(names = "--model", required = true, description = "Classifier bundle (ship it with --files and name it here)")
        Path model;

        @Option(names = "--image-weights", description = "InceptionV3's weights the bundle was trained with (omit for a bundle "
                + "trained on a random encoder)")
        Path weights;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            return job("infogap embed", spark -> {
                SparkEmbed.Input input = images.table != null ? SparkEmbed.Input.table(images.table, column)
                        : images.corpus != null ? SparkEmbed.Input.corpus(images.corpus) : SparkEmbed.Input.folder(images.folder);
                ShardedOutput.Written w = SparkEmbed.run(spark, input, model, weights, output.out, output.shards,
                        output.onBad, output.overwrite);
                System.out.printf("embedded %d distinct images -> %s (%d shards, %d encoded by this run; %d files not "
                        + "read or not images, in its error table)%n", w.rows(), output.out, w.shards(), w.writtenNow(),
                        w.errors());
            });
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "A benchmark, not a test: embed and score at two sizes each in one process, then in Spark local[1] "
                + "and local[2] in this JVM; prints images/s, pairs/s, the fixed cost per job and the cost per unit.")
    static final class Bench implements Callable<Integer> {

        @Option(names = "--corpus", defaultValue = "datasets/default/corpus.json", description = "Corpus manifest (its "
                + "images and texts). Default: ${DEFAULT-VALUE}")
        Path corpus;

        @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Default: ${DEFAULT-VALUE}")
        Path model;

        @Option(names = "--image-weights", description = "InceptionV3's weights the bundle was trained with")
        Path weights;

        @Option(names = "--images", split = ",", defaultValue = "128,512", description = "Images per embed job. Default: "
                + "${DEFAULT-VALUE}")
        int[] images;

        @Option(names = "--queries", split = ",", defaultValue = "50,200", description = "Queries of 20 candidates per "
                + "score job. Default: ${DEFAULT-VALUE}")
        int[] queries;

        @Option(names = "--work", defaultValue = "target/spark-bench", description = "Scratch folder. Default: "
                + "${DEFAULT-VALUE}")
        Path work;

        @Override
        public Integer call() throws Exception {
            SparkBench.run(corpus, model, weights, images, queries, work);
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Both jobs on a corpus: embed its test pairs' images, score a few texts against 20 of them each, "
                + "print where the Parquet went and each text's best candidates.")
    static final class Demo implements Callable<Integer> {

        @Option(names = "--corpus", defaultValue = "datasets/default/corpus.json", description = "Default: ${DEFAULT-VALUE}")
        Path corpus;

        @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Default: ${DEFAULT-VALUE}")
        Path model;

        @Option(names = "--image-weights", description = "InceptionV3's weights the bundle was trained with")
        Path weights;

        @Option(names = "--queries", defaultValue = "5", description = "Texts to score. Default: ${DEFAULT-VALUE}")
        int queries;

        @Option(names = "--out", defaultValue = "models/spark-demo", description = "Default: ${DEFAULT-VALUE}")
        Path out;

        @Override
        public Integer call() throws Exception {
            return job("infogap demo", spark -> SparkDemo.run(spark, corpus, model, weights, out, queries));
        }
    }
}
