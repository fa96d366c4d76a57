/**
 * Annotation import: the label files that annotation tools export (BBC and Wiki tool JSONL, merged
 * classifier-input JSONL, CSV), read with their label scale stated or safely detected, never guessed;
 * matched to corpus pairs; kept in a transactional, idempotent SQLite store; exported as the
 * classifier's input; measured for inter-annotator agreement.
 * Depends on {@code data} (pairs, labels, error type) and {@code io}; never on the model.
 */
package org.infogap.annotate;
