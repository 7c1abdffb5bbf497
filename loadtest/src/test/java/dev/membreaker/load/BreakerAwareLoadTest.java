package dev.membreaker.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.admin.BreakerAdminService;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.cli.MembreakerCli;
import dev.membreaker.demo.v1.PaymentServiceGrpc;
import dev.membreaker.demo.v1.QuoteRequest;
import dev.membreaker.demo.v1.QuoteResponse;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --admin: the load tool reports the breaker's transitions during its run. */
class BreakerAwareLoadTest {

  @Test
  void theReportShowsFirstShedTimeInEachStateAndRecovery() throws Exception {
    FakeTicker ticker = new FakeTicker();
    FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.3);
    MemoryBreaker breaker =
        MemoryBreaker.builder()
            .config(BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build())
            .sources(List.of(live))
            .ticker(ticker)
            .build();
    breaker.evaluateNow();
    AtomicInteger calls = new AtomicInteger();
    // Seen before the breaker: the 100th call brings a surge, the 200th its end. Counting a call,
    // moving the breaker and its admission happen as one step (the lock): with 10 calls in flight,
    // the 201st must not be judged by the HALF_OPEN the 200th passes through on its way to HEALTHY.
    ServerInterceptor script =
        new ServerInterceptor() {
          @Override
          public synchronized <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            int n = calls.incrementAndGet();
            if (n == 100) {
              live.setPressure(0.95);
              breaker.evaluateNow(); // OPEN
            } else if (n == 200) {
              live.setPressure(0.3);
              ticker.advance(Duration.ofSeconds(5));
              breaker.evaluateNow(); // HALF_OPEN
              for (int i = 0;
                  i < 5;
                  i++) { // fresh collections: a stale live set cannot close HALF_OPEN
                live.setPressure(0.3);
                breaker.evaluateNow();
              }
              ticker.advance(Duration.ofSeconds(10));
              live.setPressure(0.3);
              breaker.evaluateNow(); // HEALTHY
            }
            return next.startCall(call, headers);
          }
        };
    PaymentServiceGrpc.PaymentServiceImplBase payments =
        new PaymentServiceGrpc.PaymentServiceImplBase() {
          @Override
          public void quote(QuoteRequest request, StreamObserver<QuoteResponse> out) {
            out.onNext(QuoteResponse.newBuilder().setPair(request.getPair()).setPrice(1.1).build());
            out.onCompleted();
          }
        };
    MemoryBreakerServerInterceptor membreaker = MemoryBreakerServerInterceptor.of(breaker);
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerInterceptors.intercept(membreaker.wrap(payments.bindService()), script))
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    Server admin =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(BreakerAdminService.builder(breaker).build())
            .build()
            .start();
    try {
      StringWriter out = new StringWriter();
      CommandLine cli = MembreakerCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(new StringWriter(), true));
      int exit =
          cli.execute(
              "load",
              "127.0.0.1:" + server.getPort(),
              "--call",
              "membreaker.demo.v1.PaymentService/Quote",
              "-d",
              "{\"pair\":\"EURUSD\"}",
              "--rps",
              "200",
              "-z",
              "2s",
              "-c",
              "10",
              "--admin",
              "127.0.0.1:" + admin.getPort());
      String report = out.toString();
      System.out.println(report.substring(report.indexOf("Status code")));
      assertThat(exit).isZero();
      assertThat(report).contains("[ResourceExhausted]\t100 responses");
      assertThat(report)
          .contains("Breaker (--admin):")
          .containsPattern("First shed:\\tafter \\d")
          .contains("-> OPEN (PRESSURE)")
          .contains("-> HALF_OPEN (OPEN_TIME_ELAPSED)")
          .contains("-> HEALTHY (RECOVERED)")
          .contains("Time in OPEN:")
          .containsPattern("Back to HEALTHY:\\tafter \\d");

      // Again, as an HTML report: the transitions are marked on the over-time charts.
      calls.set(0);
      java.nio.file.Path html = java.nio.file.Files.createTempFile("load", ".html");
      int again =
          cli.execute(
              "load",
              "127.0.0.1:" + server.getPort(),
              "--call",
              "membreaker.demo.v1.PaymentService/Quote",
              "-d",
              "{\"pair\":\"EURUSD\"}",
              "--rps",
              "200",
              "-z",
              "2s",
              "-c",
              "10",
              "--admin",
              "127.0.0.1:" + admin.getPort(),
              "-O",
              "html",
              "-o",
              html.toString());
      assertThat(again).isZero();
      String page = java.nio.file.Files.readString(html);
      assertThat(page)
          .contains("class=\"transition\"")
          .contains(">OPEN</text>")
          .contains(">HEALTHY</text>");
      java.nio.file.Files.delete(html);
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      breaker.close();
    }
  }
}
