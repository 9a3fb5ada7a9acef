/**
 * The connector's networking core: {@link org.jckpool.connector.net.ConnectorServer} holds the miners' TCP
 * connections on one NIO selector thread, reports connects, lines and disconnects to an
 * {@link org.jckpool.connector.net.ClientEventSink}, and takes lines and drops through
 * {@link org.jckpool.connector.net.Downstream}. Limits are in {@link org.jckpool.connector.net.ConnectorSettings}.
 */
package org.jckpool.connector.net;
