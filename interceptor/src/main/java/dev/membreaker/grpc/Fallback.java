package dev.membreaker.grpc;

import io.grpc.Metadata;

/**
 * An answer given instead of RESOURCE_EXHAUSTED when a unary call is shed (a cached quote, an empty
 * page). It runs on the server's call executor, never on a transport thread, and only for shed
 * calls; a fallback that throws turns into RESOURCE_EXHAUSTED as if there were none.
 */
@FunctionalInterface
public interface Fallback<ReqT, RespT> {

  /** The response for a shed call. */
  RespT answer(ReqT request, Metadata headers);
}
