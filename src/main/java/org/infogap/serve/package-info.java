/**
 * The scoring API: a Vert.x HTTP server that scores a text against candidate images by CMI and SC, keeps
 * registered images' features in a persistent store, micro-batches inference off the event loop, and
 * imports annotations. Depends on {@code model}, {@code train} (examples), {@code annotate}, {@code data},
 * {@code text} and {@code io}.
 */
package org.infogap.serve;
