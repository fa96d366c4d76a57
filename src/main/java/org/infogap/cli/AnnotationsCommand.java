package org.infogap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.infogap.annotate.Agreement;
import org.infogap.annotate.AnnotationFileReader;
import org.infogap.annotate.AnnotationFormat;
import org.infogap.annotate.AnnotationStats;
import org.infogap.annotate.AnnotationStore;
import org.infogap.annotate.CmiScale;
import org.infogap.annotate.CocoHeuristic;
import org.infogap.annotate.LabelledPairs;
import org.infogap.annotate.PairIndex;
import org.infogap.annotate.ScScale;
import org.infogap.data.CocoCaptionsReader;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ImageTextPair;
import org.infogap.data.Split;
import org.infogap.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "annotations", mixinStandardHelpOptions = true,
        description = "The annotation store: import labelled pairs, show their distributions, export the classifier's "
            + "input, measure inter-annotator agreement.",
        subcommands = {AnnotationsCommand.Import.class, AnnotationsCommand.Stats.class, AnnotationsCommand.Export.class,
            AnnotationsCommand.AgreementCommand.class, AnnotationsCommand.CocoHeuristicCommand.class})
final class AnnotationsCommand implements Runnable {

    /** Exit status when files were imported but some lines were rejected. */
    static final int EXIT_SOME_REJECTED = 3;

    static final String DEFAULT_STORE = "annotations/annotations.db";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class StoreOption {
        @Option(names = "--store", defaultValue = DEFAULT_STORE, description = "Annotation store (SQLite). Default: ${DEFAULT-VALUE}")
        Path store;
    }

    static final class ScaleOptions {
        @Option(names = "--format", paramLabel = "bbc-tool|wiki-tool|merged|csv",
                description = "File format; detected from the extension or first line when left out.")
        AnnotationFormat format;

        @Option(names = "--cmi-scale", paramLabel = "fractions|levels|legacy8",
                description = "CMI scale: fractions 0..1, levels 0..4, or the legacy 8-level codes; detected only when unambiguous.")
        CmiScale cmiScale;

        @Option(names = "--sc-scale", paramLabel = "fractions|integers",
                description = "SC scale: fractions -1..1 or integers -2..2; detected only when unambiguous.")
        ScScale scScale;

        AnnotationFileReader reader() {
            return new AnnotationFileReader(cmiScale, scScale);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Imports annotation files, each in one transaction; a file imported before changes nothing. "
                + "Exit 3 when some lines were rejected (they are listed).")
    static final class Import implements Callable<Integer> {
        @Mixin StoreOption store;
        @Mixin CorpusOptions corpus;
        @Mixin ScaleOptions scale;

        @Option(names = "--all-or-nothing", description = "Import nothing from a file that has any rejected line.")
        boolean allOrNothing;

        @Option(names = "--show", defaultValue = "20", description = "Rejections listed per file. Default: ${DEFAULT-VALUE}")
        int show;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Annotation files (JSONL or CSV).")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            AnnotationStore s = AnnotationStore.open(store.store);
            PairIndex index = corpus.pairIndex();
            System.out.printf("corpus %s: %d pairs%n", corpus.manifest, index.size());
            boolean anyRejected = false;
            for (Path file : files) {
                AnnotationStore.ImportReport report = s.importFile(file, scale.reader(), scale.format, index, allOrNothing);
                System.out.println(report);
                printRejections(report.rejected(), show);
                anyRejected |= !report.rejected().isEmpty();
            }
            corpus.printSkipReport();
            return anyRejected ? EXIT_SOME_REJECTED : 0;
        }
    }

    static void printRejections(List<AnnotationFileReader.Rejection> rejected, int show) {
        rejected.stream().limit(show).forEach(r -> System.out.println("  rejected " + r));
        if (rejected.size() > show) {
            System.out.println("  ... and " + (rejected.size() - show) + " more");
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Label distributions per source (as the paper's Tables 1 and 2) and the image-type mix.")
    static final class Stats implements Callable<Integer> {
        @Mixin StoreOption store;

        @Override
        public Integer call() throws Exception {
            AnnotationStore s = AnnotationStore.open(store.store);
            List<AnnotationStore.Label> labels = s.labels();
            System.out.print(AnnotationStats.markdown(labels,
                    LabelledPairs.aggregate(labels, LabelledPairs.SplitRule.CORPUS, 0, 0)));
            System.out.println("\n" + s.imports().size() + " files imported");
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes the classifier's input: one label per pair (median over annotators) and a fixed train/test split.")
    static final class Export implements Callable<Integer> {
        @Mixin StoreOption store;

        @Option(names = "--out", defaultValue = "datasets/labelled.jsonl", description = "Output JSONL. Default: ${DEFAULT-VALUE}")
        Path out;

        @Option(names = "--split", defaultValue = "hash", paramLabel = "hash|corpus",
                description = "hash: a seeded hash of the pair decides (a pair never moves when labels are added); "
                    + "corpus: the corpus part the pair came from. Default: ${DEFAULT-VALUE}")
        LabelledPairs.SplitRule rule;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the hash split. Default: ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--test-fraction", defaultValue = "0.2", description = "Share of pairs in the test part. Default: ${DEFAULT-VALUE}")
        double testFraction;

        @Override
        public Integer call() throws Exception {
            List<LabelledPairs.Labelled> pairs = LabelledPairs.aggregate(AnnotationStore.open(store.store).labels(),
                    rule, seed, testFraction);
            LabelledPairs.write(out, pairs);
            long test = pairs.stream().filter(p -> p.split() == Split.TEST).count();
            System.out.printf("%d labelled pairs (%d train, %d test) -> %s%n", pairs.size(), pairs.size() - test, test, out);
            return 0;
        }
    }

    @Command(name = "agreement", mixinStandardHelpOptions = true,
            description = "Inter-annotator agreement per measure on pairs with several labels: Cohen's kappa (two "
                + "annotators), Krippendorff's alpha with ordinal distance (any number).")
    static final class AgreementCommand implements Callable<Integer> {
        @Mixin StoreOption store;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<Agreement.Result> results = Agreement.of(AnnotationStore.open(store.store).labels());
            if (json) {
                ArrayNode array = Json.mapper().createArrayNode();
                for (Agreement.Result r : results) {
                    ObjectNode n = array.addObject().put("measure", r.measure()).put("pairs", r.pairs());
                    r.annotators().forEach(n.putArray("annotators")::add);
                    n.put("cohen_kappa", r.cohenKappa()).put("krippendorff_alpha_ordinal", r.krippendorffAlphaOrdinal())
                            .put("percent_agreement", r.percentAgreement());
                }
                System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(array));
                return 0;
            }
            System.out.println("| measure | annotators | pairs with >1 label | Cohen's kappa | Krippendorff's alpha (ordinal) | % agreement |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (Agreement.Result r : results) {
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %s | %s | %s |%n", r.measure(), r.annotators().size(),
                        r.pairs(), fmt(r.cohenKappa()), fmt(r.krippendorffAlphaOrdinal()), fmt(r.percentAgreement()));
            }
            if (results.get(0).pairs() == 0) {
                System.out.println("no pair has labels from more than one annotator");
            }
            return 0;
        }

        private static String fmt(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
        }
    }

    @Command(name = "coco-heuristic", mixinStandardHelpOptions = true,
            description = "The paper's COCO samples: random images, a random subset of their captions as the text, "
                + "labelled CMI 1 and SC 1 (Photograph); written as merged JSONL and imported.")
    static final class CocoHeuristicCommand implements Callable<Integer> {
        @Mixin StoreOption store;

        @Option(names = "--captions", required = true, description = "COCO captions JSON (e.g. captions_val2014.json).")
        Path captions;

        @Option(names = "--images", required = true, description = "Folder of the COCO images.")
        Path images;

        @Option(names = "--n", defaultValue = "100", description = "Images to sample. Default: ${DEFAULT-VALUE}")
        int n;

        @Option(names = "--seed", defaultValue = "42", description = "Sampling seed. Default: ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--out", description = "Where to write the samples. Default: annotations/coco_heuristic_<seed>_<n>.jsonl")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path file = out != null ? out : Path.of("annotations", "coco_heuristic_" + seed + "_" + n + ".jsonl");
            List<ImageTextPair> samples = CocoHeuristic.sample(reader().pairs(), n, seed);
            CocoHeuristic.write(file, samples);
            PairIndex index = new PairIndex(reader().pairs(), images);
            AnnotationStore.ImportReport report = AnnotationStore.open(store.store).importFile(file,
                    new AnnotationFileReader(CmiScale.FRACTIONS, ScScale.FRACTIONS), AnnotationFormat.MERGED, index, true);
            System.out.printf("%d COCO samples -> %s%n%s%n", samples.size(), file, report);
            printRejections(report.rejected(), 20);
            return report.rejected().isEmpty() ? 0 : EXIT_SOME_REJECTED;
        }

        private CocoCaptionsReader reader() {
            return new CocoCaptionsReader(captions, images, CocoCaptionsReader.Mode.PER_IMAGE, Split.TRAIN,
                    org.infogap.data.ReadOptions.strict());
        }
    }

}
