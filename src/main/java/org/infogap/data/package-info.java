/**
 * Corpus readers for the real formats (MS COCO captions JSON, the BBC News folders of Feng &amp;
 * Lapata, Simple English Wikipedia JSONL), the one {@link org.infogap.data.ImageTextPair} type they
 * all produce, image loading, and the corpus manifest that ties a corpus's parts together.
 * Depends on {@code text} (sentence splitting) and {@code io}.
 */
package org.infogap.data;
