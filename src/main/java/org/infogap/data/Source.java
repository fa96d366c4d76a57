package org.infogap.data;

/** Where a pair comes from; the text pipeline treats sources differently (BBC text is British English). */
public enum Source {
    COCO, BBC, WIKI;

    /** The paper mapped British spellings to American ones for the BBC News text only (section 5.1). */
    public boolean britishEnglish() {
        return this == BBC;
    }
}
