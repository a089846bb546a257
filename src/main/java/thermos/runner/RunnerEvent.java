package thermos.runner;

import thermos.proto.KillRequest;

/** Something that happened outside the runner's loop; applied by the loop, in order. */
sealed interface RunnerEvent {
  record Running(String process, int run, int pid, double startTime) implements RunnerEvent {}

  record Exited(String process, int run, Termination termination, double stopTime)
      implements RunnerEvent {}

  record Vanished(String process, int run) implements RunnerEvent {}

  /**
   * A kill or lose, made durable by the loop before it acts on it: {@code request} merged with a
   * pending request file — or, with {@code fileFirst}, the pending file if there is one, else
   * {@code request}. {@code request} null: the file says what (else a default kill).
   */
  record Kill(KillRequest request, boolean fileFirst) implements RunnerEvent {}

  /** Look again (a file changed, a timer may be due). */
  record Wake() implements RunnerEvent {}
}
