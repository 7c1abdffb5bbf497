package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.InFlightBytes;
import dev.membreaker.policy.Priority;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * The tracer alone, with its callbacks called as the transport and the application call them, on
 * several threads, in random orders, closed at random moments: the account ends at zero.
 */
class CallBytesTracerTest {

  private final InFlightBytes account = new InFlightBytes(1L << 30, BreakerConfig.defaults());

  @Test
  void aNormalCallLeavesNothing() {
    CallBytesTracer t = attached();
    t.inboundWireSize(100);
    t.inboundWireSize(50);
    t.inboundMessageRead(0, 150, 150);
    assertThat(account.bytes()).isEqualTo(150);
    t.handed();
    assertThat(account.bytes()).isZero();
    t.outboundWireSize(300);
    assertThat(t.queued()).isEqualTo(300);
    t.drained();
    assertThat(account.bytes()).isZero();
    t.outboundWireSize(70);
    t.streamClosed(Status.OK);
    assertThat(account.bytes()).isZero();
  }

  @Test
  void bytesAfterTheCloseAndHandingsAfterItAreTakenOnce() {
    CallBytesTracer t = attached();
    t.inboundWireSize(100);
    t.inboundMessageRead(0, 100, 100);
    t.streamClosed(Status.CANCELLED);
    t.handed(); // the listener sees the message after the stream closed: nothing twice
    t.inboundWireSize(40);
    t.outboundWireSize(40);
    t.drained();
    assertThat(account.bytes()).isZero();
  }

  @Test
  void aCallTheInterceptorDidNotAdmitIsNotCounted() {
    CallBytesTracer t = new CallBytesTracer(account);
    t.inboundWireSize(1000);
    t.outboundWireSize(1000);
    assertThat(account.bytes()).isZero();
  }

  @Test
  void racingThreadsLeaveTheAccountAtZero() throws Exception {
    Random seeds = new Random(7);
    for (int round = 0; round < 300; round++) {
      List<CallBytesTracer> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(attached());
      }
      long seed = seeds.nextLong();
      CyclicBarrier start = new CyclicBarrier(3);
      Thread transport =
          new Thread(
              () -> { // reads requests, frames responses
                Random r = new Random(seed);
                await(start);
                for (int k = 0; k < 400; k++) {
                  CallBytesTracer t = calls.get(r.nextInt(calls.size()));
                  long n = 1 + r.nextInt(16384);
                  switch (r.nextInt(3)) {
                    case 0:
                      t.inboundWireSize(n);
                      break;
                    case 1:
                      t.inboundMessageRead(k, n, n);
                      break;
                    default:
                      t.outboundWireSize(n);
                      break;
                  }
                }
              });
      Thread application =
          new Thread(
              () -> { // takes messages, sees the transport ready
                Random r = new Random(seed + 1);
                await(start);
                for (int k = 0; k < 400; k++) {
                  CallBytesTracer t = calls.get(r.nextInt(calls.size()));
                  if (r.nextBoolean()) {
                    t.handed();
                  } else {
                    t.drained();
                  }
                }
              });
      transport.start();
      application.start();
      await(start);
      Random r = new Random(seed + 2);
      for (CallBytesTracer t : calls) { // streams close while the others still run
        if (r.nextBoolean()) {
          Thread.onSpinWait();
        }
        t.streamClosed(Status.CANCELLED);
      }
      transport.join();
      application.join();
      assertThat(account.bytes()).as("round %s", round).isZero();
    }
  }

  private CallBytesTracer attached() {
    CallBytesTracer t = new CallBytesTracer(account);
    t.attach(null, Priority.DEFAULT, null, false);
    return t;
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
