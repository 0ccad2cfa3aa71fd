using System.Globalization;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Api.Validation;

/// <summary>
/// Explains a request the protobuf parser refused: the first string field holding invalid UTF-8 (proto3 strings must
/// be valid UTF-8), named by its path (<c>context.query</c>, <c>events[3].user_id</c>); otherwise the message itself
/// is damaged and the violation names <see cref="RequestField"/>.
/// </summary>
internal static class MalformedRequest
{
    /// <summary>The violation's field when no single field is at fault (a truncated or damaged message).</summary>
    public const string RequestField = "request";

    // Deeper than any QueryRec message; the walk stops there (the parser's own limit is 100).
    private const int MaxDepth = 8;

    /// <summary>The INVALID_ARGUMENT answer for <paramref name="payload"/>, which the parser refused with <paramref name="error"/>.</summary>
    public static RpcException ToRpcException(MessageDescriptor descriptor, byte[] payload, InvalidProtocolBufferException error)
    {
        var validation = new RequestValidation();
        if (FindInvalidUtf8(descriptor, payload, string.Empty, 0) is { } field)
        {
            validation.Add(field, "must be valid UTF-8 (a lone surrogate or an invalid byte sequence was sent).");
        }
        else
        {
            validation.Add(RequestField, "is not a valid protobuf message: " + error.Message);
        }

        return InvalidArgument.ToRpcException(validation.ToException());
    }

    /// <summary>
    /// The INVALID_ARGUMENT status for a request whose gRPC framing (or its gRPC-Web encoding) is broken, so that no
    /// protobuf message could even be handed to the parser; <paramref name="reason"/> says what is wrong.
    /// </summary>
    public static Google.Rpc.Status FramingStatus(string reason)
    {
        var validation = new RequestValidation();
        validation.Add(RequestField, "is not a valid gRPC message: " + reason);
        return InvalidArgument.ToStatus(validation.ToException());
    }

    /// <summary>The path of the first string field in <paramref name="bytes"/> that is not valid UTF-8, or null.</summary>
    internal static string? FindInvalidUtf8(MessageDescriptor descriptor, byte[] bytes, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        var input = new CodedInputStream(bytes);
        Dictionary<int, int>? repeats = null;
        try
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = descriptor.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag));
                if (field is null
                    || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited
                    || field.FieldType is not (FieldType.String or FieldType.Message))
                {
                    input.SkipLastField();
                    continue;
                }

                var value = input.ReadBytes();
                var name = path + field.Name;
                if (field.IsRepeated)
                {
                    repeats ??= [];
                    repeats.TryGetValue(field.FieldNumber, out var index);
                    repeats[field.FieldNumber] = index + 1;
                    name += "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
                }

                if (field.FieldType == FieldType.String)
                {
                    if (!Utf8.IsValid(value.Span))
                    {
                        return name;
                    }
                }
                else if (FindInvalidUtf8(field.MessageType, value.ToByteArray(), name + ".", depth + 1) is { } inner)
                {
                    return inner;
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // Damaged past this point: nothing more to attribute.
        }

        return null;
    }
}
