package org.infogap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusManifestTest {

    @TempDir
    Path dir;

    @Test
    void writesRelativePathsAndReadsThemBack() throws IOException {
        CorpusManifest manifest = new CorpusManifest("x", List.of(
                new CorpusManifest.Part("coco", dir.resolve("coco/captions.json"), dir.resolve("coco/img"), Split.TRAIN,
                        CocoCaptionsReader.Mode.PER_IMAGE, null),
                new CorpusManifest.Part("bbc", dir.resolve("bbc/test"), null, Split.TEST, null, "ISO-8859-1"),
                new CorpusManifest.Part("simplewiki", dir.resolve("w.jsonl"), dir.resolve("img"), Split.TRAIN, null, null)));
        Path file = dir.resolve("corpus.json");
        manifest.write(file);
        assertTrue(Files.readString(file).contains("\"dir\" : \"bbc/test\""), Files.readString(file));
        CorpusManifest back = CorpusManifest.read(file);
        assertEquals(manifest.parts().get(0).path(), back.parts().get(0).path());
        assertEquals(CocoCaptionsReader.Mode.PER_IMAGE, back.parts().get(0).mode());
        assertEquals("ISO-8859-1", back.parts().get(1).encoding());
        assertEquals(Split.TEST, back.parts().get(1).split());
        assertEquals(dir.resolve("img"), back.parts().get(2).images());
    }

    @Test
    void badPartsNameTheirIndexAndField() throws IOException {
        Path file = dir.resolve("m.json");
        Files.writeString(file, "{\"parts\": [{\"format\": \"bbc\", \"dir\": \"a\", \"split\": \"train\"},"
                + " {\"format\": \"flickr\", \"split\": \"train\"}]}");
        BadInputException e = assertThrows(BadInputException.class, () -> CorpusManifest.read(file));
        assertTrue(e.getMessage().contains("parts[1]") && e.getMessage().contains("'format'"), e.getMessage());
        Files.writeString(file, "{\"parts\": [{\"format\": \"bbc\", \"dir\": \"a\", \"split\": \"dev\"}]}");
        e = assertThrows(BadInputException.class, () -> CorpusManifest.read(file));
        assertEquals("split", e.field());
        Files.writeString(file, "{\"parts\": [");
        assertTrue(assertThrows(BadInputException.class, () -> CorpusManifest.read(file)).getMessage()
                .contains("broken JSON"));
    }
}
