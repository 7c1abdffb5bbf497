package dev.membreaker.load;

import io.grpc.Status;
import java.util.regex.Pattern;

/**
 * Status codes and errors as ghz writes them (it prints grpc-go's names): {@code
 * ResourceExhausted}, not {@code RESOURCE_EXHAUSTED}, and {@code rpc error: code =
 * ResourceExhausted desc = ...}.
 */
final class GhzNames {

  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");

  private GhzNames() {}

  /** grpc-go's name of a code ({@code codes.Code.String()}). */
  static String of(Status.Code code) {
    switch (code) {
      case OK:
        return "OK";
      case CANCELLED:
        return "Canceled";
      case UNKNOWN:
        return "Unknown";
      case INVALID_ARGUMENT:
        return "InvalidArgument";
      case DEADLINE_EXCEEDED:
        return "DeadlineExceeded";
      case NOT_FOUND:
        return "NotFound";
      case ALREADY_EXISTS:
        return "AlreadyExists";
      case PERMISSION_DENIED:
        return "PermissionDenied";
      case RESOURCE_EXHAUSTED:
        return "ResourceExhausted";
      case FAILED_PRECONDITION:
        return "FailedPrecondition";
      case ABORTED:
        return "Aborted";
      case OUT_OF_RANGE:
        return "OutOfRange";
      case UNIMPLEMENTED:
        return "Unimplemented";
      case INTERNAL:
        return "Internal";
      case UNAVAILABLE:
        return "Unavailable";
      case DATA_LOSS:
        return "DataLoss";
      case UNAUTHENTICATED:
        return "Unauthenticated";
      default:
        throw new AssertionError(code);
    }
  }

  /** The error string grpc-go (and so ghz) gives a failed call; "" for OK. */
  static String error(Status status) {
    return status.isOk()
        ? ""
        : "rpc error: code = "
            + of(status.getCode())
            + " desc = "
            + (status.getDescription() == null ? "" : status.getDescription());
  }

  /**
   * The error with its numbers replaced by {@code #}, so that refusals that differ only in the
   * pressure they quote count as one error ({@code desc = membreaker: pressure # over open #}).
   */
  static String stableError(Status status) {
    return NUMBER.matcher(error(status)).replaceAll("#");
  }
}
