package org.jckpool.stratifier.work;

/**
 * What a proxy-mode work base refers to upstream.
 *
 * @param upstream   index of the upstream in {@code "proxy"}
 * @param generation the upstream connection the job came from (a fresh number per connection)
 * @param jobId      the upstream's job id
 * @param paddingHex zero bytes put before the miner's extranonce1 in the upstream's extranonce2 (hex; may be
 *                   empty) when the upstream gives more extranonce2 room than the miners' layout uses
 * @param target     the upstream's current share difficulty for this connection
 */
public record UpstreamJob(int upstream, long generation, String jobId, String paddingHex, UpstreamTarget target) {
}
