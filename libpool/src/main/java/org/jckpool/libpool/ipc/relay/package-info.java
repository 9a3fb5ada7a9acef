/**
 * The binary frames between connector and stratifier (C/L/D up, S/A/X/P down; docs/INTERNALS.md):
 * {@link org.jckpool.libpool.ipc.relay.RelayCodec} encodes and decodes their payloads. Pure codec, no I/O; the
 * frames travel inside a {@link org.jckpool.libpool.ipc.FrameStream}.
 */
package org.jckpool.libpool.ipc.relay;
