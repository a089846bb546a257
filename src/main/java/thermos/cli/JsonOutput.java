package thermos.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * The CLI's {@code --json}: protobuf's JSON mapping with proto field names, enum names, sorted
 * map keys, and every field that is present printed (presence-tracked fields print their zero
 * values: WAITING, ACTIVE, return_code 0).
 */
final class JsonOutput {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().sortingMapKeys();

  private JsonOutput() {}

  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  /** A JSON array of the messages. */
  static String printArray(List<? extends MessageOrBuilder> messages) {
    if (messages.isEmpty()) {
      return "[]";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < messages.size(); i++) {
      sb.append(i == 0 ? "\n" : ",\n").append(print(messages.get(i)).indent(2).stripTrailing());
    }
    return sb.append("\n]").toString();
  }
}
