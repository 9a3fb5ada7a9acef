/**
 * Surviving a stratifier restart (docs/INTERNALS.md "The stratifier process", restart snapshot): the live jobs
 * (their templates) and sessions are written under {@code <logdir>/restart/} as they change, and read back at
 * start, before the connector stream is accepted.
 */
package org.jckpool.stratifier.restart;
