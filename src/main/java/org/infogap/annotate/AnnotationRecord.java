package org.infogap.annotate;

import java.util.List;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;

/**
 * One label as a file states it, converted to the five-level scales.
 *
 * @param source    the corpus the pair belongs to, or null where the file does not say (merged, CSV)
 * @param pairId    the pair's id in the reader's terms (BBC entry name, Wiki {@code id#section#file},
 *                  CSV pair id), or null where the pair is named by its image only
 * @param split     the corpus part, where the file says (BBC tool's "train" flag), else null
 * @param imagePath the image as the file names it, where it does (merged, CSV)
 * @param text      the text as the file gives it (merged, CSV), else empty
 * @param cmi       CMI level
 * @param sc        SC level
 * @param imageType photograph, map, chart, ... as annotated ("" when absent)
 * @param snippets  text marked as relevant to the image
 * @param valid     false for entries the Wiki tool marked invalid (kept, not trained on)
 * @param annotator who labelled it ("" when the format does not say)
 * @param line      line in the source file (CSV: record number + 1 for the header)
 */
public record AnnotationRecord(Source source, String pairId, Split split, String imagePath, List<String> text,
                               CmiLevel cmi, ScLevel sc, String imageType, List<String> snippets, boolean valid,
                               String annotator, int line) {

    public AnnotationRecord {
        text = List.copyOf(text);
        snippets = List.copyOf(snippets);
    }
}
