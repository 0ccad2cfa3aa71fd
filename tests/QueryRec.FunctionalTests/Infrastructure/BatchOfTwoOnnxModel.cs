using Google.Protobuf;
using QueryRec.Core.Ranking;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// A hand-made ONNX model that loads and passes the server's validation but fails on a real request: input
/// <c>Features</c> float [N, <see cref="FeatureSchema.Count"/>], a Reshape to the constant shape
/// [2, <see cref="FeatureSchema.Count"/>], a ReduceSum over axis 1 (keepdims), output <c>Score.output</c> float [N, 1].
/// The server's probe is a batch of two rows, which fits; any other batch size makes the Reshape throw in ONNX Runtime.
/// </summary>
/// <remarks>
/// Why hand-made: ONNX tests use models our own trainer produced, but the trainer never makes a model that throws
/// while scoring, so the serving path for that failure (<c>model_error</c>) needs a model written on purpose. It is
/// encoded directly as an ONNX <c>ModelProto</c> with protobuf's <see cref="CodedOutputStream"/>, so no .proto file
/// (protos/ holds only our contracts) and no ONNX tooling are needed. Field numbers and enum values are those of the
/// official onnx/onnx.proto (ONNX keeps them stable across IR versions).
/// </remarks>
internal static class BatchOfTwoOnnxModel
{
    // TensorProto.DataType
    private const int Float = 1;
    private const int Int64 = 7;

    /// <summary>The model's bytes (IR version 7, default-domain opset 13).</summary>
    public static byte[] Create()
    {
        var width = FeatureSchema.Count;
        var graph = Message(g =>
        {
            // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
            Embedded(g, 1, Node("Reshape", ["Features", "two_rows_shape"], "two_rows"));
            Embedded(g, 1, Node("ReduceSum", ["two_rows", "sum_axes"], "Score.output"));
            String(g, 2, "batch_of_two");
            Embedded(g, 5, Int64Tensor("two_rows_shape", [2, width]));
            Embedded(g, 5, Int64Tensor("sum_axes", [1]));
            Embedded(g, 11, FloatTensorInfo("Features", width));
            Embedded(g, 12, FloatTensorInfo("Score.output", 1));
        });

        return Message(m =>
        {
            // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8.
            Int(m, 1, 7);
            String(m, 2, "QueryRec.FunctionalTests");
            Embedded(m, 7, graph);

            // OperatorSetIdProto: domain = 1 (absent: the default ONNX domain), version = 2.
            Embedded(m, 8, Message(o => Int(o, 2, 13)));
        });
    }

    /// <summary>NodeProto: input = 1, output = 2, name = 3, op_type = 4.</summary>
    private static byte[] Node(string opType, string[] inputs, string output) => Message(n =>
    {
        foreach (var input in inputs)
        {
            String(n, 1, input);
        }

        String(n, 2, output);
        String(n, 3, opType.ToLowerInvariant());
        String(n, 4, opType);
    });

    /// <summary>TensorProto: dims = 1, data_type = 2, int64_data = 7 (packed), name = 8.</summary>
    private static byte[] Int64Tensor(string name, long[] values) => Message(t =>
    {
        Int(t, 1, values.Length);
        Int(t, 2, Int64);
        var packed = Message(p =>
        {
            foreach (var value in values)
            {
                p.WriteInt64(value);
            }
        });
        Embedded(t, 7, packed);
        String(t, 8, name);
    });

    /// <summary>
    /// ValueInfoProto (name = 1, type = 2) of a float tensor [N, <paramref name="columns"/>]: TypeProto.tensor_type = 1;
    /// TypeProto.Tensor: elem_type = 1, shape = 2; TensorShapeProto.dim = 1; Dimension: dim_value = 1, dim_param = 2.
    /// </summary>
    private static byte[] FloatTensorInfo(string name, int columns) => Message(v =>
    {
        String(v, 1, name);
        var shape = Message(s =>
        {
            Embedded(s, 1, Message(d => String(d, 2, "N")));
            Embedded(s, 1, Message(d => Int(d, 1, columns)));
        });
        var tensor = Message(t =>
        {
            Int(t, 1, Float);
            Embedded(t, 2, shape);
        });
        Embedded(v, 2, Message(type => Embedded(type, 1, tensor)));
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }

    private static void Int(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    private static void String(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void Embedded(CodedOutputStream output, int field, byte[] message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(message));
    }
}
