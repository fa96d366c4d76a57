package org.infogap.annotate;

/** The label files annotation tools export. */
public enum AnnotationFormat {
    /** BBC tool JSONL: {"name", "mi", "sc", "train", "type", "snippets"}. */
    BBC_TOOL,
    /** Wiki tool JSONL: {"id", "section", "name": "/wiki/File:...", "mi", "sc", "valid", "type", "snippets"}. */
    WIKI_TOOL,
    /** Merged classifier input JSONL: {"imgpath", "text": [...], "annotation": {"mi", "sc", "type", "snippets"}}. */
    MERGED,
    /** CSV with a header: pair_id, image_path, text or text_path, cmi, sc, image_type, annotator. */
    CSV
}
