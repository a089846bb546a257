package thermos.runner;

/**
 * What a {@link ProcessPlatform} reports about the runs it follows. Called from any thread; the
 * runner queues the events and applies them on its loop.
 */
public interface ProcessEvents {
  /** The run's user process is up. */
  void running(String process, int run, int pid, double startTime);

  /** The run's user process ended. */
  void exited(String process, int run, Termination termination, double stopTime);

  /** The run's coordinator is gone and left no exit record: the run is lost (or was killed). */
  void vanished(String process, int run);
}
