package org.infogap.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.infogap.data.BadInputException;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.ImageWeights;
import org.infogap.model.InceptionV3;
import org.infogap.model.TfjsModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Pretrained image-encoder weights: importing nsfwjs's InceptionV3 from its npm tarball. */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Pretrained InceptionV3 weights for the image encoder.",
        subcommands = {WeightsCommand.Import.class})
final class WeightsCommand {

    /** The folder of the npm package that holds its InceptionV3 as TF.js files. */
    static final String PACKAGE_MODEL = "package/dist/models/inception_v3/";

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Checks an npm tarball of nsfwjs (npm pack nsfwjs@4.4.0) against its pinned sha-512, extracts "
                + "only its InceptionV3 files, loads them into infogap's InceptionV3 (every shape checked) and writes "
                + "them as plain TF.js files (model.json, weights.bin) with their origin (" + ImageWeights.PROVENANCE_FILE
                + ") to OUT: what --image-weights reads.")
    static final class Import implements Callable<Integer> {

        @Option(names = "--tarball", required = true, description = "The npm tarball (nsfwjs-4.4.0.tgz).")
        Path tarball;

        @Option(names = "--integrity", required = true,
                description = "Its pinned npm integrity, sha512-<base64> (the Makefile's NSFWJS_INTEGRITY).")
        String integrity;

        @Option(names = "--out", defaultValue = "models/image-encoder/nsfwjs-4.4.0",
                description = "Output folder. Default: ${DEFAULT-VALUE}")
        Path out;

        @Override
        public Integer call() throws Exception {
            String actual = integrity(tarball);
            if (!actual.equals(integrity)) {
                throw new BadInputException(tarball, null, null, "sha-512 mismatch: the tarball is " + actual
                        + ", the pinned value is " + integrity + "; delete it and fetch it again (make weights)");
            }
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path work = Files.createTempDirectory(parent, ".weights-import-");
            try {
                Path extracted = work.resolve("package");
                int files = extract(tarball, extracted);
                Path modelDir = extracted.resolve(PACKAGE_MODEL.substring("package/".length()));
                TfjsModel model = TfjsModel.read(modelDir);
                ComputationGraph graph = InceptionV3.withoutTop(InceptionV3.KERAS_SIZE, 0).init();
                ImageWeights.Source source = ImageWeights.loadTfjs(graph, model);
                ImageWeights.denseTop(model);
                ObjectNode origin = Json.mapper().createObjectNode();
                origin.put("package", source.provenance().path("package").asText())
                        .put("version", source.provenance().path("version").asText())
                        .put("license", source.provenance().path("license").asText())
                        .put("tarball", tarball.getFileName().toString()).put("integrity", integrity)
                        .put("source", PACKAGE_MODEL + " (" + files + " files)")
                        .put("frozen_convolutions", source.provenance().path("frozen_convolutions").asText())
                        .put("imported", Instant.now().toString());
                Path staged = work.resolve("out");
                model.write(staged);
                AtomicFiles.writeString(staged.resolve(ImageWeights.PROVENANCE_FILE),
                        Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(origin));
                // the folder appears whole or not at all: a crash leaves the old one or none
                if (Files.exists(out)) {
                    deleteTree(out);
                }
                Files.move(staged, out, StandardCopyOption.ATOMIC_MOVE);
                ImageWeights.Source check = ImageWeights.load(graph, out);
                System.out.println("nsfwjs " + origin.path("version").asText() + " InceptionV3 -> " + out + ": "
                        + model.weights().size() + " weights, " + check.description());
                return 0;
            } finally {
                deleteTree(work);
            }
        }
    }

    /** npm's integrity string of a file: {@code sha512-} and the base64 of its SHA-512. */
    static String integrity(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, null, null, "no such tarball");
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return "sha512-" + Base64.getEncoder().encodeToString(sha.digest());
    }

    /** Extracts package.json and the InceptionV3 files, nothing else; returns how many. */
    static int extract(Path tarball, Path to) throws IOException {
        int n = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null; ) {
                String name = e.getName();
                boolean wanted = name.equals("package/package.json")
                        || (name.startsWith(PACKAGE_MODEL) && name.indexOf('/', PACKAGE_MODEL.length()) < 0);
                if (!e.isFile() || !wanted || name.contains("..")) {
                    continue;
                }
                Path target = to.resolve(name.substring("package/".length())).normalize();
                Files.createDirectories(target.getParent());
                Files.copy(tar, target);
                n++;
            }
        } catch (java.util.zip.ZipException e) {
            throw new BadInputException(tarball, null, null, "not a gzip tarball: " + e.getMessage());
        }
        if (!Files.isRegularFile(to.resolve("package.json")) || !Files.isDirectory(to.resolve(PACKAGE_MODEL.substring(8)))) {
            throw new BadInputException(tarball, null, null, "no " + PACKAGE_MODEL + " in this tarball (not nsfwjs 4.x?)");
        }
        return n;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
