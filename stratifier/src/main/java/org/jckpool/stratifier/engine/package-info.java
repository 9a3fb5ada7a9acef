/**
 * The stratifier engine: {@link org.jckpool.stratifier.engine.StratumEngine} takes client events, templates and
 * ticks and answers through {@link org.jckpool.stratifier.engine.ClientOutbound} and
 * {@link org.jckpool.stratifier.share.BlockSubmitter}. No sockets, threads or files of its own: the process
 * shell owns those and wires the connector and generator streams to these calls.
 */
package org.jckpool.stratifier.engine;
