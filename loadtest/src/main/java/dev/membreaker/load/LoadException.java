package dev.membreaker.load;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A failure to report in one line with an exit code; never a stack trace. */
public final class LoadException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  LoadException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The exit code: 1 when the run failed its checks, 2 for usage or an unreachable target. */
  public int exitCode() {
    return exitCode;
  }

  static LoadException from(StatusRuntimeException e, String what) {
    Status s = e.getStatus();
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return new LoadException(
          2,
          "can't reach the target ("
              + what
              + "): "
              + (s.getDescription() == null ? s.getCode() : s.getDescription()));
    }
    if (s.getCode() == Status.Code.UNIMPLEMENTED) {
      return new LoadException(2, "the target does not serve server reflection; give --protoset");
    }
    return new LoadException(
        2,
        what
            + " failed: "
            + s.getCode()
            + (s.getDescription() == null ? "" : ": " + s.getDescription()));
  }
}
