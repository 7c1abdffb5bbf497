package dev.membreaker.admin;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/** Puts the caller's authorization header and address into the call's context for the service. */
final class CallerContext implements ServerInterceptor {

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> BEARER = Context.key("membreaker-admin-bearer");
  static final Context.Key<String> PEER = Context.key("membreaker-admin-peer");

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String authorization = headers.get(AUTHORIZATION);
    String bearer = null;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      bearer = authorization.substring(7).trim();
    }
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Context context =
        Context.current()
            .withValues(BEARER, bearer, PEER, peer == null ? "unknown" : peer.toString());
    return Contexts.interceptCall(context, call, headers, next);
  }
}
