/**
 * The binary frames between connector and stratifier (C/L/D up, S/A/X down): {@link
 * org.jckpool.connector.relay.RelayCodec} encodes and decodes them; {@link org.jckpool.connector.relay.FrameUpstream}
 * and {@link org.jckpool.connector.relay.DownstreamDispatcher} connect the networking core to a frame stream.
 * Depends on nothing outside the JDK and this module.
 */
package org.jckpool.connector.relay;
