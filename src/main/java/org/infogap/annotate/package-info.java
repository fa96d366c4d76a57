/**
 * Annotation import: the label files that annotation tools export (BBC and Wiki tool JSONL, merged
 * classifier-input JSONL, CSV), read with their label scale stated or safely detected, never guessed.
 * Depends on {@code data} (labels, error type) and {@code io}.
 */
package org.infogap.annotate;
