package thermos.ckpt.legacy;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TProtocolUtil;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransportException;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Decodes one Thrift {@code TBinaryProtocol} {@code RunnerCkpt} (Thermos'
 * {@code thermos_internal.thrift}, SEMANTICS.md §1b.3) into our protobuf {@code RunnerCkpt}.
 *
 * <p>No generated Thrift code exists here, so fields are read by id on top of the protocol, as
 * generated code would: unknown ids and known ids with an unexpected wire type are skipped. Not
 * thread-safe: one decoder per reader, reused for every record.
 */
final class ThriftRecordDecoder {
  /** Deepest nesting skipped in unknown fields: garbage must not recurse without bound. */
  private static final int MAX_SKIP_DEPTH = 16;

  private final TMemoryInputTransport transport;
  private final TBinaryProtocol protocol;
  /** Buffer offset of the struct being decoded. */
  private int start;

  ThriftRecordDecoder() {
    try {
      transport = new TMemoryInputTransport();
    } catch (TTransportException e) {
      throw new IllegalStateException("cannot create a Thrift memory transport", e);
    }
    // Strings and containers cannot be longer than a record.
    protocol = new TBinaryProtocol(transport, LegacyFormat.MAX_RECORD_BYTES,
        LegacyFormat.MAX_RECORD_BYTES);
  }

  /**
   * Decodes the struct that starts at {@code buf[off]}, reading at most {@code len} bytes.
   *
   * @return the record; {@link #consumed()} then tells how many bytes the struct took
   * @throws LegacyDecodeException if the bytes are not a valid {@code RunnerCkpt}
   */
  RunnerCkpt decode(byte[] buf, int off, int len) throws LegacyDecodeException {
    transport.reset(buf, off, len);
    start = off;
    try {
      // libthrift checks string and container sizes against the bytes left in the message
      // before allocating; make that the record, not its 100 MB default.
      transport.updateKnownMessageSize(len);
      return readRunnerCkpt();
    } catch (TTransportException e) {
      // libthrift's wording ("remote side has closed") is for sockets; here it means this.
      throw new LegacyDecodeException("the Thrift struct runs past the end of the record");
    } catch (TException e) {
      throw new LegacyDecodeException("undecodable Thrift struct (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      // libthrift trusts some lengths (a negative string length indexes out of bounds).
      throw new LegacyDecodeException("undecodable Thrift struct (" + e + ")");
    }
  }

  /** Bytes taken by the last successful {@link #decode}. */
  int consumed() {
    return transport.getBufferPosition() - start;
  }

  private RunnerCkpt readRunnerCkpt() throws TException, LegacyDecodeException {
    RunnerCkpt.Builder ckpt = RunnerCkpt.newBuilder();
    int members = 0;
    protocol.readStructBegin();
    while (true) {
      TField f = protocol.readFieldBegin();
      if (f.type == TType.STOP) {
        break;
      }
      if (f.type != TType.STRUCT || f.id < 1 || f.id > 3) {
        skip(f.type);
        continue;
      }
      switch (f.id) {
        case 1 -> ckpt.setRunnerHeader(readHeader());
        case 2 -> ckpt.setProcessStatus(readProcessStatus());
        default -> ckpt.setTaskStatus(readTaskStatus());
      }
      members++;
      protocol.readFieldEnd();
    }
    protocol.readStructEnd();
    if (members == 0) {
      throw new LegacyDecodeException("RunnerCkpt holds no runner_header, process_status or "
          + "task_status");
    }
    if (members > 1) {
      throw new LegacyDecodeException("RunnerCkpt union holds " + members + " members, not one");
    }
    return ckpt.build();
  }

  private RunnerHeader readHeader() throws TException {
    RunnerHeader.Builder h = RunnerHeader.newBuilder();
    protocol.readStructBegin();
    for (TField f = protocol.readFieldBegin(); f.type != TType.STOP; f = protocol.readFieldBegin()) {
      switch (f.id) {
        case 1 -> {
          if (expect(f, TType.STRING)) {
            h.setTaskId(protocol.readString());
          }
        }
        case 2 -> {
          if (expect(f, TType.I64)) {
            h.setLaunchTimeMs(protocol.readI64());
          }
        }
        case 3 -> {
          if (expect(f, TType.STRING)) {
            h.setSandbox(protocol.readString());
          }
        }
        case 4 -> {
          if (expect(f, TType.STRING)) {
            h.setHostname(protocol.readString());
          }
        }
        case 5 -> {
          if (expect(f, TType.STRING)) {
            h.setUser(protocol.readString());
          }
        }
        case 6 -> readPorts(f, h);
        case 7 -> {
          if (expect(f, TType.STRING)) {
            h.setLogDir(protocol.readString());
          }
        }
        case 8 -> {
          if (expect(f, TType.I32)) {
            h.setUid(protocol.readI32());
          }
        }
        default -> skip(f.type);
      }
      protocol.readFieldEnd();
    }
    protocol.readStructEnd();
    return h.build();
  }

  private TaskStatus readTaskStatus() throws TException, LegacyDecodeException {
    TaskStatus.Builder t = TaskStatus.newBuilder();
    protocol.readStructBegin();
    for (TField f = protocol.readFieldBegin(); f.type != TType.STOP; f = protocol.readFieldBegin()) {
      switch (f.id) {
        case 1 -> {
          if (expect(f, TType.I32)) {
            t.setState(taskState(protocol.readI32()));
          }
        }
        case 2 -> {
          if (expect(f, TType.I64)) {
            t.setTimestampMs(protocol.readI64());
          }
        }
        case 3 -> {
          if (expect(f, TType.I32)) {
            t.setRunnerPid(protocol.readI32());
          }
        }
        case 4 -> {
          if (expect(f, TType.I32)) {
            t.setRunnerUid(protocol.readI32());
          }
        }
        default -> skip(f.type);
      }
      protocol.readFieldEnd();
    }
    protocol.readStructEnd();
    return t.build();
  }

  private ProcessStatus readProcessStatus() throws TException, LegacyDecodeException {
    ProcessStatus.Builder p = ProcessStatus.newBuilder();
    protocol.readStructBegin();
    for (TField f = protocol.readFieldBegin(); f.type != TType.STOP; f = protocol.readFieldBegin()) {
      switch (f.id) {
        case 1 -> {
          if (expect(f, TType.I64)) {
            p.setSeq(protocol.readI64());
          }
        }
        case 3 -> {
          if (expect(f, TType.STRING)) {
            p.setProcess(protocol.readString());
          }
        }
        case 5 -> {
          if (expect(f, TType.I32)) {
            p.setState(processState(protocol.readI32()));
          }
        }
        case 6 -> {
          if (expect(f, TType.DOUBLE)) {
            p.setStartTime(protocol.readDouble());
          }
        }
        case 7 -> {
          if (expect(f, TType.I32)) {
            p.setPid(protocol.readI32());
          }
        }
        case 8 -> {
          if (expect(f, TType.DOUBLE)) {
            p.setStopTime(protocol.readDouble());
          }
        }
        case 9 -> {
          if (expect(f, TType.I32)) {
            p.setReturnCode(protocol.readI32());
          }
        }
        case 10 -> {
          if (expect(f, TType.I32)) {
            p.setCoordinatorPid(protocol.readI32());
          }
        }
        case 11 -> {
          if (expect(f, TType.DOUBLE)) {
            p.setForkTime(protocol.readDouble());
          }
        }
        default -> skip(f.type);
      }
      protocol.readFieldEnd();
    }
    protocol.readStructEnd();
    return p.build();
  }

  private void readPorts(TField f, RunnerHeader.Builder h) throws TException {
    if (f.type != TType.MAP) {
      skip(f.type);
      return;
    }
    TMap map = protocol.readMapBegin();
    boolean typed = map.keyType == TType.STRING && map.valueType == TType.I64;
    for (int i = 0; i < map.size; i++) {
      if (typed) {
        String name = protocol.readString();
        h.putPorts(name, protocol.readI64());
      } else {
        // Generated code would misread such a map; skipping it keeps the rest of the header.
        skip(map.keyType);
        skip(map.valueType);
      }
    }
    protocol.readMapEnd();
  }

  /**
   * True if the field has the expected wire type; otherwise skips it (as generated Thrift code
   * does) and the field stays unset, for the dispatcher to judge.
   */
  private boolean expect(TField f, byte type) throws TException {
    if (f.type == type) {
      return true;
    }
    skip(f.type);
    return false;
  }

  private void skip(byte type) throws TException {
    TProtocolUtil.skip(protocol, type, MAX_SKIP_DEPTH);
  }

  private static TaskState taskState(int value) throws LegacyDecodeException {
    TaskState s = TaskState.forNumber(value);
    if (s == null) {
      throw new LegacyDecodeException("unknown TaskState value " + value);
    }
    return s;
  }

  private static ProcessState processState(int value) throws LegacyDecodeException {
    ProcessState s = ProcessState.forNumber(value);
    if (s == null) {
      throw new LegacyDecodeException("unknown ProcessState value " + value);
    }
    return s;
  }
}
