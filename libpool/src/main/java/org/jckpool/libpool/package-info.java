/** Shared code of the jckpool suite: framing and sockets, config, logging, Bitcoin primitives, RPC. */
package org.jckpool.libpool;
