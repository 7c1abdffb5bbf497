package dev.membreaker.scenario;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.membreaker.demo.v1.PayRequest;
import dev.membreaker.demo.v1.PaymentServiceGrpc;
import dev.membreaker.demo.v1.QuoteRequest;
import dev.membreaker.demo.v1.ReportRequest;
import dev.membreaker.demo.v1.Retain;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * One stream of a scenario's load: a method of the demo's payment service at a rate over time, each
 * request alike. {@code baseline} streams are the normal traffic whose return to full throughput
 * after a surge is measured; the others make the pressure.
 *
 * @param label a short name for reports
 * @param method the demo method called
 * @param request the request sent (the same for every call)
 * @param headers headers sent with every call (may be empty)
 * @param rate calls per second over time
 * @param baseline whether this stream is normal traffic
 * @param critical whether this stream's calls are CRITICAL (payments)
 */
record Traffic(
    String label,
    MethodDescriptor<MessageLite, MessageLite> method,
    MessageLite request,
    Metadata headers,
    Rate rate,
    boolean baseline,
    boolean critical) {

  private static final String SERVICE = "membreaker.demo.v1.PaymentService/";

  /** Payments (CRITICAL), no memory held. */
  static Traffic payments(double perSecond, double from, double to) {
    return payments(Rate.between(from, to, perSecond));
  }

  /** Payments (CRITICAL) at a rate that varies, no memory held. */
  static Traffic payments(Rate rate) {
    return new Traffic(
        "Pay",
        cast(PaymentServiceGrpc.getPayMethod()),
        PayRequest.newBuilder().setAccount("acct-1").setAmountCents(1250).build(),
        new Metadata(),
        rate,
        true,
        true);
  }

  /** Quotes (DEFAULT), no memory held. */
  static Traffic quotes(double perSecond, double from, double to) {
    return quotes(Rate.between(from, to, perSecond));
  }

  /** Quotes (DEFAULT) at a rate that varies, no memory held. */
  static Traffic quotes(Rate rate) {
    return new Traffic(
        "Quote",
        cast(PaymentServiceGrpc.getQuoteMethod()),
        QuoteRequest.newBuilder().setPair("EURUSD").build(),
        new Metadata(),
        rate,
        true,
        false);
  }

  /** Quotes (DEFAULT) that each make the server hold {@code bytes} for {@code millis}. */
  static Traffic heavyQuotes(Rate rate, long bytes, long millis) {
    return new Traffic(
        "Quote+" + size(bytes),
        cast(PaymentServiceGrpc.getQuoteMethod()),
        QuoteRequest.newBuilder().setPair("EURUSD").setRetain(retain(bytes, millis)).build(),
        new Metadata(),
        rate,
        false,
        false);
  }

  /** Reports (SHEDDABLE) that each make the server hold {@code bytes} for {@code millis}. */
  static Traffic heavyReports(Rate rate, long bytes, long millis) {
    return new Traffic(
        "Report+" + size(bytes),
        cast(PaymentServiceGrpc.getReportMethod()),
        ReportRequest.newBuilder()
            .setAccount("acct-2")
            .setRows(5)
            .setRetain(retain(bytes, millis))
            .build(),
        new Metadata(),
        rate,
        false,
        false);
  }

  /**
   * Bulk payment uploads: Pay requests carrying a {@code payloadBytes} payload, marked SHEDDABLE
   * with membreaker's priority header (other contenders ignore it). They press on direct buffers,
   * where the server's transport receives them, rather than on the heap.
   */
  static Traffic bulkUploads(Rate rate, int payloadBytes) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("membreaker-priority", Metadata.ASCII_STRING_MARSHALLER), "sheddable");
    return new Traffic(
        "Upload+" + size(payloadBytes),
        cast(PaymentServiceGrpc.getPayMethod()),
        PayRequest.newBuilder()
            .setAccount("bulk")
            .setAmountCents(1)
            .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
            .build(),
        headers,
        rate,
        false,
        false);
  }

  /**
   * Clients that ask for a streamed report ({@code rows} rows of {@code rowBytes} each, SHEDDABLE)
   * and read only its first message, until their deadline ends the call: the server's handler
   * writes every row at once, without looking at {@code isReady()}, so what the client does not
   * read waits in the server's buffers.
   */
  static Traffic slowReaders(Rate rate, int rows, int rowBytes) {
    return new Traffic(
        "SlowReader+" + size((long) rows * rowBytes),
        cast(PaymentServiceGrpc.getStreamReportMethod()),
        ReportRequest.newBuilder().setAccount("slow").setRows(rows).setRowBytes(rowBytes).build(),
        new Metadata(),
        rate,
        false,
        false);
  }

  String fullMethod() {
    return method.getFullMethodName().substring(SERVICE.length());
  }

  private static Retain retain(long bytes, long millis) {
    return Retain.newBuilder().setBytes(bytes).setMillis(millis).build();
  }

  private static String size(long bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + "MiB" : (bytes >> 10) + "KiB";
  }

  @SuppressWarnings("unchecked")
  private static MethodDescriptor<MessageLite, MessageLite> cast(MethodDescriptor<?, ?> m) {
    return (MethodDescriptor<MessageLite, MessageLite>) (MethodDescriptor<?, ?>) m;
  }
}
