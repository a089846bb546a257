package thermos.ckpt.legacy;

/** Bytes that are not a valid Thrift {@code RunnerCkpt}; the reader adds file and offset. */
final class LegacyDecodeException extends Exception {
  LegacyDecodeException(String reason) {
    super(reason, null, false, false);
  }
}
