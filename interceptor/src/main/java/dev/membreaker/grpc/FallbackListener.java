package dev.membreaker.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Answers a shed unary call with its method's {@link Fallback} instead of RESOURCE_EXHAUSTED. It
 * reads the one request message and answers on half-close, on the call executor; if the fallback
 * throws, the call gets the RESOURCE_EXHAUSTED it would have had.
 */
final class FallbackListener<ReqT, RespT> extends ServerCall.Listener<ReqT> {

  private final ServerCall<ReqT, RespT> call;
  private final Metadata headers;
  private final Fallback<ReqT, RespT> fallback;
  private final Status shedStatus;
  private final Metadata shedTrailers;
  private ReqT request;

  FallbackListener(
      ServerCall<ReqT, RespT> call,
      Metadata headers,
      Fallback<ReqT, RespT> fallback,
      Status shedStatus,
      Metadata shedTrailers) {
    this.call = call;
    this.headers = headers;
    this.fallback = fallback;
    this.shedStatus = shedStatus;
    this.shedTrailers = shedTrailers;
    call.request(2); // one request, and a second to catch a client that sends two
  }

  @Override
  public void onMessage(ReqT message) {
    request = message;
  }

  @Override
  public void onHalfClose() {
    RespT answer;
    try {
      answer = fallback.answer(request, headers);
    } catch (RuntimeException e) {
      call.close(shedStatus, shedTrailers);
      return;
    }
    call.sendHeaders(new Metadata());
    call.sendMessage(answer);
    call.close(Status.OK, shedTrailers);
  }
}
