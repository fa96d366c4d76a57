package org.infogap.spark;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The Spark applications' entry point: {@code spark-submit --class org.infogap.spark.SparkMain ... embed ...}. */
@Command(name = "infogap-spark", mixinStandardHelpOptions = true, subcommands = {SparkMain.Embed.class, SparkMain.Import.class, SparkMain.Score.class},
        description = "infogap's batch jobs on Apache Spark.")
public final class SparkMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
     * task would only wait, holding its partition in memory.
     */
    static SparkConf oneTaskPerExecutor(SparkConf conf) {
        if (!conf.contains("spark.task.cpus") && conf.contains("spark.executor.cores")) {
            conf.set("spark.task.cpus", conf.get("spark.executor.cores"));
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

        @Option(names = "--embedded", required = true, description = "What embed wrote")
        String embedded;

        @Option(names = "--model", required = true, description = "Classifier bundle (ship it with --files and name it here)")
        Path model;

        @Option(names = "--min-cmi", description = "keep needs at least this CMI level")
        Double minCmi;

        @Option(names = "--min-sc", description = "keep needs at least this SC level")
        Double minSc;

        @Option(names = "--out", required = true, description = "Output Parquet folder (replaced)")
        String out;

        @Override
        public Integer call() throws Exception {
            return job("infogap score", spark -> {
                var lists = SparkScore.table(spark, candidates);
                var images = spark.read().parquet(embedded);
                SparkScore.score(lists, images, model, minCmi, minSc).write().mode(org.apache.spark.sql.SaveMode.Overwrite)
                        .parquet(out);
                System.out.printf("scored %d candidates -> %s%n", spark.read().parquet(out).count(), out);
                var missing = SparkScore.unmatched(lists, images);
                long n = missing.count();
                if (n > 0) { // the API answers 404 for such a candidate; a batch job lists them beside its output
                    missing.write().mode(org.apache.spark.sql.SaveMode.Overwrite).parquet(out + "-unmatched");
                    System.out.printf("%d candidates name no embedded image (by id, sha256 or path) -> %s-unmatched%n", n, out);
                }
            });
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Registers what embed wrote in the API's image store (serve --store), each image under its file's "
                + "name; run it where the store's disk is (the rows come to the driver a partition at a time).")
    static final class Import implements Callable<Integer> {

        @Option(names = "--parquet", required = true, description = "What embed wrote")
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

        @Option(names = "--images", required = true, description = "Folder of images (local, hdfs:, s3a: as the cluster reads them)")
        String images;

        @Option(names = "--model", required = true, description = "Classifier bundle (ship it with --files and name it here)")
        Path model;

        @Option(names = "--image-weights", description = "InceptionV3's weights the bundle was trained with (omit for a bundle "
                + "trained on a random encoder)")
        Path weights;

        @Option(names = "--out", required = true, description = "Output Parquet folder (replaced)")
        String out;

        @Override
        public Integer call() throws Exception {
            return job("infogap embed", spark -> {
                SparkEmbed.Written w = SparkEmbed.embedTo(spark, images, model, weights, out);
                System.out.printf("embedded %d distinct images -> %s (%d files skipped as unreadable, each logged)%n",
                        w.rows(), out, w.rejected());
            });
        }
    }
}
