package dev.membreaker.contenders.peers;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Asks an {@link AdmissionCheck} before the handler runs and refuses with RESOURCE_EXHAUSTED when
 * it says no: the place each peer's memory breaker sits in its own server (Solr's and
 * Elasticsearch's return HTTP 429 there, which gRPC spells RESOURCE_EXHAUSTED).
 */
public final class RefusingInterceptor implements ServerInterceptor {

  private final String name;
  private final AdmissionCheck check;

  public RefusingInterceptor(String name, AdmissionCheck check) {
    this.name = name;
    this.check = check;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!check.admits()) {
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              name + " refused the call: memory " + check.state()),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
