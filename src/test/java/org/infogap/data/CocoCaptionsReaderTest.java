package org.infogap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.infogap.testing.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoCaptionsReaderTest {

    @TempDir
    Path dir;
    Path images;

    @BeforeEach
    void images() throws IOException {
        images = Files.createDirectories(dir.resolve("val2014"));
        TestImages.jpeg(images.resolve("COCO_val2014_000000000042.jpg"), 40, 30);
        TestImages.jpeg(images.resolve("COCO_val2014_000000000073.jpg"), 40, 30);
    }

    private static final String CAPTIONS = """
            {"info": {"year": 2014},
             "images": [{"id": 42, "file_name": "COCO_val2014_000000000042.jpg", "width": 40, "height": 30},
                        {"id": 73, "file_name": "COCO_val2014_000000000073.jpg", "width": 40, "height": 30}],
             "licenses": [],
             "annotations": [{"id": 1, "image_id": 42, "caption": "A man riding a horse. "},
                             {"id": 2, "image_id": 73, "caption": "Two cats on a sofa."},
                             {"id": 3, "image_id": 42, "caption": "A horse in a field."}]}
            """;

    private List<ImageTextPair> read(String json, CocoCaptionsReader.Mode mode, ReadOptions options) throws IOException {
        Path file = Files.writeString(dir.resolve("captions_val2014.json"), json);
        try (Stream<ImageTextPair> pairs = new CocoCaptionsReader(file, images, mode, Split.TRAIN, options).pairs()) {
            return pairs.toList();
        }
    }

    @Test
    void onePairPerCaption() throws IOException {
        List<ImageTextPair> pairs = read(CAPTIONS, CocoCaptionsReader.Mode.PER_CAPTION, ReadOptions.strict());
        assertEquals(3, pairs.size());
        ImageTextPair first = pairs.get(0);
        assertEquals(Source.COCO, first.source());
        assertEquals("1", first.id());
        assertEquals(List.of("A man riding a horse."), first.sentences());
        assertEquals(images.resolve("COCO_val2014_000000000042.jpg"), first.imagePath());
        assertEquals(Split.TRAIN, first.split());
    }

    @Test
    void onePairPerImageWithCaptionsAsSentences() throws IOException {
        List<ImageTextPair> pairs = read(CAPTIONS, CocoCaptionsReader.Mode.PER_IMAGE, ReadOptions.strict());
        assertEquals(2, pairs.size());
        assertEquals("42", pairs.get(0).id());
        assertEquals(List.of("A man riding a horse.", "A horse in a field."), pairs.get(0).sentences());
        assertEquals(List.of("Two cats on a sofa."), pairs.get(1).sentences());
    }

    @Test
    void annotationsBeforeImagesAreReadToo() throws IOException {
        String reordered = """
                {"annotations": [{"id": 9, "image_id": 73, "caption": "Cats."}],
                 "images": [{"id": 73, "file_name": "COCO_val2014_000000000073.jpg"}]}
                """;
        List<ImageTextPair> pairs = read(reordered, CocoCaptionsReader.Mode.PER_CAPTION, ReadOptions.strict());
        assertEquals(1, pairs.size());
        assertEquals("9", pairs.get(0).id());
    }

    @Test
    void missingImageFileNamesFileLineAndField() throws IOException {
        Files.delete(images.resolve("COCO_val2014_000000000073.jpg"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> read(CAPTIONS, CocoCaptionsReader.Mode.PER_CAPTION, ReadOptions.strict()));
        assertTrue(e.getMessage().contains("captions_val2014.json"), e.getMessage());
        assertTrue(e.getMessage().contains("line 6"), e.getMessage());
        assertEquals("file_name", e.field());
        assertTrue(e.getMessage().contains("COCO_val2014_000000000073.jpg"), e.getMessage());
    }

    @Test
    void skipBadCountsAndContinues() throws IOException {
        Files.delete(images.resolve("COCO_val2014_000000000073.jpg"));
        BadInputPolicy policy = BadInputPolicy.skipAndCount();
        List<ImageTextPair> pairs = read(CAPTIONS, CocoCaptionsReader.Mode.PER_CAPTION, new ReadOptions(policy, null));
        assertEquals(2, pairs.size());
        assertEquals(1, policy.skipped());
    }

    @Test
    void unknownImageIdAndMissingCaption() throws IOException {
        String json = """
                {"images": [{"id": 42, "file_name": "COCO_val2014_000000000042.jpg"}],
                 "annotations": [{"id": 1, "image_id": 5, "caption": "x"}]}
                """;
        BadInputException e = assertThrows(BadInputException.class,
                () -> read(json, CocoCaptionsReader.Mode.PER_CAPTION, ReadOptions.strict()));
        assertEquals("image_id", e.field());
        String noCaption = """
                {"images": [{"id": 42, "file_name": "COCO_val2014_000000000042.jpg"}],
                 "annotations": [{"id": 1, "image_id": 42}]}
                """;
        e = assertThrows(BadInputException.class,
                () -> read(noCaption, CocoCaptionsReader.Mode.PER_CAPTION, ReadOptions.strict()));
        assertEquals("caption", e.field());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void brokenJsonIsReportedWithItsLine() {
        String broken = CAPTIONS.substring(0, CAPTIONS.indexOf("Two cats"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> read(broken, CocoCaptionsReader.Mode.PER_CAPTION, ReadOptions.strict()));
        assertTrue(e.getMessage().contains("broken JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("captions_val2014.json"), e.getMessage());
    }

    @Test
    void truncatedJpegIsReportedWhenImagesAreVerified() throws IOException {
        TestImages.truncatedJpeg(images.resolve("COCO_val2014_000000000042.jpg"), 200, 200, 0.4);
        assertEquals(3, read(CAPTIONS, CocoCaptionsReader.Mode.PER_CAPTION, ReadOptions.strict()).size(),
                "without verification only existence is checked");
        BadInputException e = assertThrows(BadInputException.class, () -> read(CAPTIONS,
                CocoCaptionsReader.Mode.PER_CAPTION, new ReadOptions(BadInputPolicy.failFast(), new ImageLoader(32))));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().startsWith(dir.resolve("captions_val2014.json").toString()), e.getMessage());
    }
}
