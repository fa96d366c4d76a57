package org.infogap.spark;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The Spark applications' entry point: {@code spark-submit --class org.infogap.spark.SparkMain ... embed ...}. */
@Command(name = "infogap-spark", mixinStandardHelpOptions = true, subcommands = {SparkMain.Embed.class},
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
            SparkSession spark = SparkSession.builder().appName("infogap embed").getOrCreate();
            try {
                long rows = SparkEmbed.embedTo(spark, images, model, weights, out);
                System.out.printf("embedded %d distinct images -> %s%n", rows, out);
                return 0;
            } finally {
                spark.stop();
            }
        }
    }
}
