using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.Options;
using QueryRec.Api.Hosting;
using QueryRec.Api.Interceptors;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Api.Validation;

/// <summary>
/// Answers a call to the QueryRec service whose body is not exactly one well-formed gRPC message (h2c, gRPC-Web binary
/// and gRPC-Web text) with INVALID_ARGUMENT naming the field <c>request</c> and the reason, or RESOURCE_EXHAUSTED for a
/// message over the receive limit, before the gRPC library reads it.
/// </summary>
/// <remarks>
/// Why a middleware and not the library's error path: grpc-dotnet turns framing faults into INTERNAL or UNKNOWN inside
/// its own reader (no hook before the marshaller, which only ever sees a complete payload), and the gRPC-Web text
/// decoder throws mid-read, which leaves an HTTP/1.1 connection unusable for the next request. Here the whole body is
/// read to its end before anything is answered, so a keep-alive connection is clean for the next request, and the
/// answer is a trailers-only gRPC response (status in the headers, which gRPC-Web clients read as well).
/// Valid bodies up to <see cref="InPlaceLimit"/> are examined in the request pipe without being consumed, so the
/// library parses the very same buffers (no copy on the hot path); larger ones are copied out and handed on as a
/// buffered body.
/// </remarks>
internal sealed class MalformedMessageMiddleware(
    RequestDelegate next,
    IOptions<GrpcServiceOptions> grpcOptions,
    QueryRecInstrumentation instrumentation,
    ILogger<MalformedMessageMiddleware> logger)
{
    // Holding a body unconsumed keeps it in Kestrel's request buffer, which pauses the connection at 1 MiB (HTTP/1.1):
    // a body that large would never be seen complete. Well below that, and above any ordinary QueryRec request.
    private const int InPlaceLimit = 64 * 1024;

    private const string GrpcContentType = "application/grpc";
    private const string GrpcWebTextContentType = "application/grpc-web-text";

    private static readonly PathString ServicePath = "/" + QueryRecHostExtensions.ServiceName;

    private readonly long _maxMessageSize = grpcOptions.Value.MaxReceiveMessageSize ?? int.MaxValue;

    // One bit per MalformedCause already logged: the log says that a cause occurs, the metric says how often.
    private int _loggedCauses;

    // Not async itself: a request this does not check (health, the storefront) costs no state machine.
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        return HttpMethods.IsPost(request.Method)
            && request.ContentType is { } contentType
            && contentType.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase)
            && request.Path.StartsWithSegments(ServicePath, StringComparison.Ordinal)
            ? CheckAsync(context, contentType)
            : next(context);
    }

    // Not async either when the whole body is already there (usual for a small request): checked and handed on
    // synchronously, with no state machine.
    private Task CheckAsync(HttpContext context, string contentType)
    {
        var request = context.Request;
        var text = contentType.StartsWith(GrpcWebTextContentType, StringComparison.OrdinalIgnoreCase);
        var frameLimit = _maxMessageSize + MessageFraming.HeaderSize;
        var bodyLimit = text ? GrpcWebText.EncodedLength(frameLimit) : frameLimit;
        if (request.ContentLength > bodyLimit)
        {
            // Refused unread: Kestrel drains or resets the rest, within its own request body limits.
            return RefuseAsync(context, new FramingFault(MalformedCause.TooLarge, MessageFraming.TooLargeMessage));
        }

        var reader = request.BodyReader;
        var pending = reader.ReadAsync(context.RequestAborted);
        if (!pending.IsCompletedSuccessfully)
        {
            return ReadWholeBodyAsync(context, text, bodyLimit, pending);
        }

        var first = pending.Result;
        if (!first.IsCompleted || first.Buffer.Length > bodyLimit)
        {
            return ReadWholeBodyAsync(context, text, bodyLimit, new ValueTask<ReadResult>(first));
        }

        var fault = Check(first.Buffer, text, request.Headers[GrpcHeaders.Encoding]);
        if (fault is not null)
        {
            reader.AdvanceTo(first.Buffer.End);
            return RefuseAsync(context, fault);
        }

        // Nothing consumed: the gRPC library reads the same buffered body from the start.
        reader.AdvanceTo(first.Buffer.Start);
        return next(context);
    }

    private async Task ReadWholeBodyAsync(HttpContext context, bool text, long bodyLimit, ValueTask<ReadResult> pending)
    {
        var request = context.Request;
        var reader = request.BodyReader;
        byte[]? copy = null;
        var copied = 0;
        ReadResult result;
        while (true)
        {
            result = await pending;
            pending = default;
            var buffer = result.Buffer;
            if (copied + buffer.Length > bodyLimit)
            {
                // The rest is left to the server: Kestrel drains what it can of an HTTP/1.1 body or resets the stream.
                reader.AdvanceTo(buffer.End);
                await RefuseAsync(context, new FramingFault(MalformedCause.TooLarge, MessageFraming.TooLargeMessage));
                return;
            }

            if (copy is not null || (!result.IsCompleted && buffer.Length > InPlaceLimit))
            {
                copy = Append(copy, copied, buffer, bodyLimit);
                copied += (int)buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }

                pending = reader.ReadAsync(context.RequestAborted);
                continue;
            }

            if (result.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            pending = reader.ReadAsync(context.RequestAborted);
        }

        var body = copy is null ? result.Buffer : new ReadOnlySequence<byte>(copy, 0, copied);
        var fault = Check(body, text, request.Headers[GrpcHeaders.Encoding]);
        if (fault is not null)
        {
            if (copy is null)
            {
                reader.AdvanceTo(result.Buffer.End);
            }

            await RefuseAsync(context, fault);
            return;
        }

        if (copy is null)
        {
            // Nothing consumed: the gRPC library reads the same buffered body from the start.
            reader.AdvanceTo(result.Buffer.Start);
        }
        else
        {
            request.Body = new MemoryStream(copy, 0, copied, writable: false);
        }

        await next(context);
    }

    private FramingFault? Check(ReadOnlySequence<byte> body, bool text, string? encoding)
    {
        if (!text)
        {
            return MessageFraming.Check(body, _maxMessageSize, encoding);
        }

        var fault = GrpcWebText.Decode(body, out var decoded, out var length);
        try
        {
            return fault ?? MessageFraming.Check(new ReadOnlySequence<byte>(decoded ?? [], 0, length), _maxMessageSize, encoding);
        }
        finally
        {
            if (decoded is not null)
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
    }

    private static byte[] Append(byte[]? copy, int copied, ReadOnlySequence<byte> buffer, long bodyLimit)
    {
        var needed = copied + (int)buffer.Length;
        if (copy is null || copy.Length < needed)
        {
            var grown = new byte[(int)Math.Min(bodyLimit, Math.Max(needed, (copy?.Length ?? InPlaceLimit) * 2L))];
            copy?.AsSpan(0, copied).CopyTo(grown);
            copy = grown;
        }

        buffer.CopyTo(copy.AsSpan(copied));
        return copy;
    }

    private Task RefuseAsync(HttpContext context, FramingFault fault)
    {
        var tag = MalformedCauses.Tag(fault.Cause);
        instrumentation.RecordMalformed(tag);
        var bit = 1 << (int)fault.Cause;
        if ((Interlocked.Or(ref _loggedCauses, bit) & bit) == 0)
        {
            HostLog.MalformedMessage(logger, tag, fault.Reason);
        }

        var status = fault.Cause == MalformedCause.TooLarge
            ? new Google.Rpc.Status { Code = (int)StatusCode.ResourceExhausted, Message = fault.Reason }
            : MalformedRequest.FramingStatus(fault.Reason);

        // Trailers-only: the status goes in the response headers and no body follows.
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = context.Request.ContentType;
        response.Headers[GrpcHeaders.Status] = status.Code.ToString(CultureInfo.InvariantCulture);
        response.Headers[GrpcHeaders.Message] = PercentEncode(status.Message);
        if (status.Details.Count > 0)
        {
            response.Headers[GrpcHeaders.StatusDetails] = Convert.ToBase64String(status.ToByteArray());
        }

        return response.CompleteAsync();
    }

    // grpc-message is percent-encoded UTF-8 (gRPC over HTTP/2): '%' and bytes outside printable ASCII are escaped.
    private static string PercentEncode(string message)
    {
        if (!message.AsSpan().ContainsAnyExceptInRange(' ', '~') && !message.Contains('%', StringComparison.Ordinal))
        {
            return message;
        }

        var encoded = new StringBuilder(message.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= (byte)' ' and <= (byte)'~' and not (byte)'%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
