package org.infogap.data;

/** Where a pair comes from; the text pipeline treats sources differently (BBC text is British English). */
public enum Source {
    COCO, BBC, WIKI;

    /** The paper mapped British spellings to American ones for the BBC News text only (section 5.1). */
    public boolean britishEnglish() {
        return this == BBC;
    }

    /**
     * Whether a pair's caption lists what its image shows, one phrase per object, so that its phrases count the
     * objects: BBC image captions describe the picture. Not COCO (a pair's text is five captions, each listing the
     * objects again) nor Wikipedia (a caption names the figure: "Figure of article 102000" in the generated corpus).
     */
    public boolean captionListsObjects() {
        return this == BBC;
    }

    /** The source named by a pair key {@code source:id}; empty when the key names none. */
    public static java.util.Optional<Source> ofKey(String key) {
        int colon = key.indexOf(':');
        for (Source s : values()) {
            if (colon > 0 && key.substring(0, colon).equalsIgnoreCase(s.name())) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
