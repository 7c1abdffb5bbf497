package dev.membreaker.contenders.peers;

/**
 * One memory guard's decision for a call about to start, as a peer's published algorithm makes it.
 * Implementations are thread-safe: the transport's threads ask concurrently.
 */
public interface AdmissionCheck {

  /**
   * Whether a call may start now; may take time when the algorithm does (a collection it asks for).
   */
  boolean admits();

  /**
   * The memory reading the algorithm decided on last, as a fraction of the heap's maximum; NaN
   * before any.
   */
  double reading();

  /** A short word for the report: what the algorithm is doing now. */
  String state();
}
