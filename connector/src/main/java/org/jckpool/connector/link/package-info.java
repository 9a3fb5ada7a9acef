/**
 * The connector's persistent frame stream to the stratifier: reconnecting, admission of miners only while it
 * is up, and the non-blocking hand-off of relay frames from the I/O thread.
 */
package org.jckpool.connector.link;
