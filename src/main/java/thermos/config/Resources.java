package thermos.config;

/** A task's or process's resources. Not used by the runner; kept so task JSON round-trips. */
public record Resources(double cpu, long ram, long disk, int gpu) {}
