package dev.membreaker.demo;

import dev.membreaker.demo.v1.PayRequest;
import dev.membreaker.demo.v1.PayResponse;
import dev.membreaker.demo.v1.PaymentServiceGrpc;
import dev.membreaker.demo.v1.QuoteRequest;
import dev.membreaker.demo.v1.QuoteResponse;
import dev.membreaker.demo.v1.ReportRequest;
import dev.membreaker.demo.v1.ReportResponse;
import dev.membreaker.demo.v1.Retain;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's payments: Pay, Quote, Report and StreamReport. A request may ask the server to
 * allocate and hold a number of bytes for a time, up to a per-request maximum; that is how a load
 * makes a memory surge. The held bytes are really touched (a write every 4 KiB), so they occupy
 * memory, and are released by a timer.
 */
public final class PaymentServiceImpl extends PaymentServiceGrpc.PaymentServiceImplBase {

  private final long maxRetainBytes;
  private final long maxRetainMillis;
  private final ScheduledExecutorService timer;
  private final Map<Long, byte[]> held = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong heldBytes = new AtomicLong();
  private final AtomicLong heldFootprint = new AtomicLong();
  private final java.util.function.LongUnaryOperator footprint;

  public PaymentServiceImpl(
      long maxRetainBytes, long maxRetainMillis, ScheduledExecutorService timer) {
    this(maxRetainBytes, maxRetainMillis, timer, length -> length);
  }

  /**
   * With {@code footprint}: what a held array of a given length takes of the heap, for {@link
   * #heldFootprint()} (on G1 an array of half a region or more takes whole regions).
   */
  public PaymentServiceImpl(
      long maxRetainBytes,
      long maxRetainMillis,
      ScheduledExecutorService timer,
      java.util.function.LongUnaryOperator footprint) {
    this.maxRetainBytes = maxRetainBytes;
    this.maxRetainMillis = maxRetainMillis;
    this.timer = timer;
    this.footprint = footprint;
  }

  public long heldBytes() {
    return heldBytes.get();
  }

  /**
   * What the held arrays take of the heap, as the footprint function given at construction counts
   * it.
   */
  public long heldFootprint() {
    return heldFootprint.get();
  }

  /** Holds the requested bytes; false (and the call failed) if the request asks too much. */
  private boolean retain(Retain r, StreamObserver<?> out) {
    if (r.getMillis() < 0 || r.getMillis() > maxRetainMillis) {
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "retain.millis must be in [0, " + maxRetainMillis + "], was " + r.getMillis())
              .asRuntimeException());
      return false;
    }
    if (r.getBytes() == 0) {
      return true;
    }
    if (r.getBytes() < 0
        || r.getBytes() > maxRetainBytes
        || r.getBytes() > Integer.MAX_VALUE - 16) {
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "retain.bytes must be in [0, " + maxRetainBytes + "], was " + r.getBytes())
              .asRuntimeException());
      return false;
    }
    byte[] block = new byte[(int) r.getBytes()];
    for (int i = 0; i < block.length; i += 4096) {
      block[i] = 1;
    }
    long id = ids.incrementAndGet();
    long taken = footprint.applyAsLong(block.length);
    held.put(id, block);
    heldBytes.addAndGet(block.length);
    heldFootprint.addAndGet(taken);
    timer.schedule(
        () -> {
          byte[] gone = held.remove(id);
          if (gone != null) {
            heldBytes.addAndGet(-gone.length);
            heldFootprint.addAndGet(-taken);
          }
        },
        r.getMillis(),
        TimeUnit.MILLISECONDS);
    return true;
  }

  @Override
  public void pay(PayRequest request, StreamObserver<PayResponse> out) {
    if (!retain(request.getRetain(), out)) {
      return;
    }
    out.onNext(PayResponse.newBuilder().setPaymentId(UUID.randomUUID().toString()).build());
    out.onCompleted();
  }

  @Override
  public void quote(QuoteRequest request, StreamObserver<QuoteResponse> out) {
    if (!retain(request.getRetain(), out)) {
      return;
    }
    String pair = request.getPair().isEmpty() ? "EURUSD" : request.getPair();
    double price = 1.0 + (Math.floorMod(pair.hashCode(), 1000) / 1000.0);
    out.onNext(QuoteResponse.newBuilder().setPair(pair).setPrice(price).build());
    out.onCompleted();
  }

  @Override
  public void report(ReportRequest request, StreamObserver<ReportResponse> out) {
    if (!retain(request.getRetain(), out)) {
      return;
    }
    out.onNext(rows(request, 0, Math.max(1, Math.min(request.getRows(), 1000))));
    out.onCompleted();
  }

  @Override
  public void streamReport(ReportRequest request, StreamObserver<ReportResponse> out) {
    if (!retain(request.getRetain(), out)) {
      return;
    }
    int rows = Math.max(1, Math.min(request.getRows(), 1000));
    for (int i = 0; i < rows; i += 10) {
      out.onNext(rows(request, i, Math.min(rows, i + 10)));
    }
    out.onCompleted();
  }

  @Override
  public StreamObserver<PayRequest> payBatch(
      StreamObserver<dev.membreaker.demo.v1.PayBatchResponse> out) {
    return new StreamObserver<>() {
      private int payments;
      private boolean failed;

      @Override
      public void onNext(PayRequest request) {
        if (!failed && retain(request.getRetain(), out)) {
          payments++;
        } else {
          failed = true;
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        if (!failed) {
          out.onNext(
              dev.membreaker.demo.v1.PayBatchResponse.newBuilder().setPayments(payments).build());
          out.onCompleted();
        }
      }
    };
  }

  @Override
  public StreamObserver<QuoteRequest> quoteStream(StreamObserver<QuoteResponse> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(QuoteRequest request) {
        quote(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(QuoteResponse r) {
                out.onNext(r);
              }

              @Override
              public void onError(Throwable t) {
                out.onError(t);
              }

              @Override
              public void onCompleted() {}
            });
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  /** The most a row is padded to ({@code row_bytes}). */
  static final int MAX_ROW_BYTES = 64 << 10;

  private static ReportResponse rows(ReportRequest request, int from, int to) {
    ReportResponse.Builder b = ReportResponse.newBuilder();
    int pad = Math.max(0, Math.min(request.getRowBytes(), MAX_ROW_BYTES));
    for (int i = from; i < to; i++) {
      String row = request.getAccount() + ",row" + i;
      b.addRows(row.length() >= pad ? row : row + ",".repeat(pad - row.length()));
    }
    return b.build();
  }
}
