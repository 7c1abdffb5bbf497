package dev.membreaker.admin;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Logs refused admin attempts (a missing or wrong token, no token configured) to the audit logger,
 * with the RPC and the caller's address: the first at once, then at most one line per interval,
 * which says how many more were refused since the last line, so a client hammering the port cannot
 * flood the log. Thread-safe.
 */
final class RefusalLog {

  private final System.Logger log;
  private final Duration interval;
  private final Clock clock;

  @GuardedBy("this")
  private Instant lastLine;

  @GuardedBy("this")
  private long suppressed;

  RefusalLog(System.Logger log, Duration interval, Clock clock) {
    this.log = log;
    this.interval = interval;
    this.clock = clock;
  }

  /** Logs a refused {@code rpc} from {@code peer}, or counts it if a line was written recently. */
  void refused(String rpc, String peer, String why) {
    long more;
    synchronized (this) {
      Instant now = clock.instant();
      if (lastLine != null && Duration.between(lastLine, now).compareTo(interval) < 0) {
        suppressed++;
        return;
      }
      lastLine = now;
      more = suppressed;
      suppressed = 0;
    }
    log.log(
        System.Logger.Level.WARNING,
        "membreaker audit: refused {0} from {1}: {2}{3}",
        rpc,
        peer,
        why,
        more == 0
            ? ""
            : " ("
                + more
                + " more refused in the last "
                + interval.toSeconds()
                + " s, not logged)");
  }
}
