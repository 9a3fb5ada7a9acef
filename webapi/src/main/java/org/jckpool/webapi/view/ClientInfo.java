package org.jckpool.webapi.view;

import java.time.Instant;

/**
 * One connected client as the stratifier knows it.
 *
 * @param id          the connector's client id
 * @param address     remote "ip:port"
 * @param worker      authorised worker name, null before mining.authorize
 * @param userAgent   from mining.subscribe, null if none
 * @param difficulty  current share difficulty
 * @param hashrate    the client's own hashrate
 * @param connectedAt when the connection was accepted
 * @param lastShare   last accepted share, null if none
 */
public record ClientInfo(
        long id,
        String address,
        String worker,
        String userAgent,
        double difficulty,
        Hashrates hashrate,
        Instant connectedAt,
        Instant lastShare) {
}
