package thermos.ckpt.legacy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskStatus;

/**
 * Test-side writer of legacy Thermos records: what Thermos' generated Python code writes (fields
 * in id order, unset ones left out), so re-encoding a decoded fixture record must give its bytes.
 */
public final class ThriftEncoder {
  private static final TStruct ANY = new TStruct("");

  private ThriftEncoder() {}

  /** A whole legacy log of {@code records}. */
  public static byte[] log(List<RunnerCkpt> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (RunnerCkpt r : records) {
      out.writeBytes(frame(payload(r)));
    }
    return out.toByteArray();
  }

  /** {@code u32 length | payload}. */
  public static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  /** The Thrift binary encoding of one {@code RunnerCkpt}. */
  public static byte[] payload(RunnerCkpt ckpt) {
    return write(p -> {
      p.writeStructBegin(ANY);
      switch (ckpt.getRecordCase()) {
        case RUNNER_HEADER -> {
          p.writeFieldBegin(new TField("", TType.STRUCT, (short) 1));
          header(p, ckpt.getRunnerHeader());
        }
        case PROCESS_STATUS -> {
          p.writeFieldBegin(new TField("", TType.STRUCT, (short) 2));
          process(p, ckpt.getProcessStatus());
        }
        case TASK_STATUS -> {
          p.writeFieldBegin(new TField("", TType.STRUCT, (short) 3));
          task(p, ckpt.getTaskStatus());
        }
        default -> throw new IllegalArgumentException("empty RunnerCkpt");
      }
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
    });
  }

  /** Bytes written by {@code body} on a fresh binary protocol. */
  public static byte[] write(Body body) {
    try {
      TMemoryBuffer buf = new TMemoryBuffer(64);
      body.write(new TBinaryProtocol(buf));
      return java.util.Arrays.copyOf(buf.getArray(), buf.length());
    } catch (TException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Something written on a protocol. */
  public interface Body {
    void write(TBinaryProtocol p) throws TException;
  }

  private static void header(TBinaryProtocol p, RunnerHeader h) throws TException {
    p.writeStructBegin(ANY);
    if (h.hasTaskId()) {
      string(p, 1, h.getTaskId());
    }
    if (h.hasLaunchTimeMs()) {
      i64(p, 2, h.getLaunchTimeMs());
    }
    if (h.hasSandbox()) {
      string(p, 3, h.getSandbox());
    }
    if (h.hasHostname()) {
      string(p, 4, h.getHostname());
    }
    if (h.hasUser()) {
      string(p, 5, h.getUser());
    }
    p.writeFieldBegin(new TField("", TType.MAP, (short) 6));
    p.writeMapBegin(new TMap(TType.STRING, TType.I64, h.getPortsCount()));
    for (Map.Entry<String, Long> e : h.getPortsMap().entrySet()) {
      p.writeString(e.getKey());
      p.writeI64(e.getValue());
    }
    p.writeMapEnd();
    p.writeFieldEnd();
    if (h.hasLogDir()) {
      string(p, 7, h.getLogDir());
    }
    if (h.hasUid()) {
      i32(p, 8, h.getUid());
    }
    p.writeFieldStop();
    p.writeStructEnd();
  }

  private static void task(TBinaryProtocol p, TaskStatus t) throws TException {
    p.writeStructBegin(ANY);
    if (t.hasState()) {
      i32(p, 1, t.getStateValue());
    }
    if (t.hasTimestampMs()) {
      i64(p, 2, t.getTimestampMs());
    }
    if (t.hasRunnerPid()) {
      i32(p, 3, t.getRunnerPid());
    }
    if (t.hasRunnerUid()) {
      i32(p, 4, t.getRunnerUid());
    }
    p.writeFieldStop();
    p.writeStructEnd();
  }

  private static void process(TBinaryProtocol p, ProcessStatus s) throws TException {
    p.writeStructBegin(ANY);
    if (s.hasSeq()) {
      i64(p, 1, s.getSeq());
    }
    if (s.hasProcess()) {
      string(p, 3, s.getProcess());
    }
    if (s.hasState()) {
      i32(p, 5, s.getStateValue());
    }
    if (s.hasStartTime()) {
      dbl(p, 6, s.getStartTime());
    }
    if (s.hasPid()) {
      i32(p, 7, s.getPid());
    }
    if (s.hasStopTime()) {
      dbl(p, 8, s.getStopTime());
    }
    if (s.hasReturnCode()) {
      i32(p, 9, s.getReturnCode());
    }
    if (s.hasCoordinatorPid()) {
      i32(p, 10, s.getCoordinatorPid());
    }
    if (s.hasForkTime()) {
      dbl(p, 11, s.getForkTime());
    }
    p.writeFieldStop();
    p.writeStructEnd();
  }

  static void string(TBinaryProtocol p, int id, String v) throws TException {
    p.writeFieldBegin(new TField("", TType.STRING, (short) id));
    p.writeString(v);
    p.writeFieldEnd();
  }

  static void i64(TBinaryProtocol p, int id, long v) throws TException {
    p.writeFieldBegin(new TField("", TType.I64, (short) id));
    p.writeI64(v);
    p.writeFieldEnd();
  }

  static void i32(TBinaryProtocol p, int id, int v) throws TException {
    p.writeFieldBegin(new TField("", TType.I32, (short) id));
    p.writeI32(v);
    p.writeFieldEnd();
  }

  static void dbl(TBinaryProtocol p, int id, double v) throws TException {
    p.writeFieldBegin(new TField("", TType.DOUBLE, (short) id));
    p.writeDouble(v);
    p.writeFieldEnd();
  }
}
