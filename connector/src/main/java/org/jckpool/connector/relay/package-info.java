/**
 * Connects the networking core to the relay frames of {@link org.jckpool.libpool.ipc.relay.RelayCodec}:
 * {@link org.jckpool.connector.relay.FrameUpstream} turns client events into C/L/D payloads and
 * {@link org.jckpool.connector.relay.DownstreamDispatcher} applies S/A/X/P payloads from the stratifier.
 */
package org.jckpool.connector.relay;
