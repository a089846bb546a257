package thermos.runner;

import thermos.proto.KillRequest;

/** Something that happened outside the runner's loop; applied by the loop, in order. */
sealed interface RunnerEvent {
  record Running(String process, int run, int pid, double startTime) implements RunnerEvent {}

  record Exited(String process, int run, Termination termination, double stopTime)
      implements RunnerEvent {}

  record Vanished(String process, int run) implements RunnerEvent {}

  /** A kill or lose: an explicit request, or a signal that says look for one. */
  record Kill(KillRequest request) implements RunnerEvent {}

  /** Look again (a file changed, a timer may be due). */
  record Wake() implements RunnerEvent {}
}
