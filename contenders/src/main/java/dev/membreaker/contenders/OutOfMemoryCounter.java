package dev.membreaker.contenders;

import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts OutOfMemoryErrors that do not end the JVM: Netty's direct-memory errors, and heap errors
 * caught and logged by gRPC or Netty, as they reach the log or a thread's uncaught handler. A heap
 * error that ends the JVM (-XX:+ExitOnOutOfMemoryError) is seen by the scenario runner instead.
 */
final class OutOfMemoryCounter extends Handler {

  final LongAdder errors = new LongAdder();

  static OutOfMemoryCounter install() {
    OutOfMemoryCounter counter = new OutOfMemoryCounter();
    Logger.getLogger("").addHandler(counter);
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          if (isOutOfMemory(error)) {
            counter.errors.increment();
          }
          if (previous != null) {
            previous.uncaughtException(thread, error);
          } else {
            error.printStackTrace();
          }
        });
    return counter;
  }

  static boolean isOutOfMemory(Throwable t) {
    for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void publish(LogRecord record) {
    if (isOutOfMemory(record.getThrown())) {
      errors.increment();
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
