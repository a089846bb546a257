package thermos.ckpt;

/**
 * Something that wants to hear about the transitions a {@link CheckpointDispatcher} applies: a
 * {@link UniversalStateHandler}, a {@link ProcessStateHandler} or a {@link TaskStateHandler}.
 */
public sealed interface CheckpointHandler
    permits UniversalStateHandler, ProcessStateHandler, TaskStateHandler {}
