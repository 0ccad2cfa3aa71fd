using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using QueryRec.Api.Validation;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Pipeline;

namespace QueryRec.UnitTests.Api.Validation;

public sealed class RequestValidationTests
{
    [Fact]
    public void ManyViolations_AreCappedInTheDetailAndTheMessage()
    {
        var validation = new RequestValidation();
        for (var i = 0; i < 10_000; i++)
        {
            validation.Add($"sections[{i}]", "unknown section kind 99.");
        }

        var ex = InvalidArgument.ToRpcException(validation.ToException());

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violations = ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Equal(RequestValidation.MaxReportedViolations, violations.Count);
        Assert.Equal("sections[0]", violations[0].Field);
        Assert.EndsWith("; and more", ex.Status.Detail, StringComparison.Ordinal);
        Assert.True(ex.Status.Detail.Length < 2_000);
    }

    [Fact]
    public void ExactlyTheCap_IsListedInFullWithoutAndMore()
    {
        var validation = new RequestValidation();
        for (var i = 0; i < RequestValidation.MaxReportedViolations; i++)
        {
            validation.Add($"f{i}", "bad.");
        }

        var ex = InvalidArgument.ToRpcException(validation.ToException());

        Assert.Equal(RequestValidation.MaxReportedViolations, ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Count);
        Assert.DoesNotContain("and more", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void FindInvalidUtf8_NamesTheFieldByItsPathInRepeatedAndNestedMessages()
    {
        var first = new Event { EventId = "e1", Query = "ok" }.ToByteArray();
        var second = Concat(new Event { EventId = "e2" }.ToByteArray(), [0x3A, 0x03, (byte)'a', 0xED, 0xA0]); // query (7): "a" + a lone-surrogate start
        var request = Concat(Field(1, first), Field(1, second));

        Assert.Equal("events[1].query", MalformedRequest.FindInvalidUtf8(ReportEventsRequest.Descriptor, request, string.Empty, 0));
    }

    [Fact]
    public void FindInvalidUtf8_ValidMessage_IsNull()
    {
        var request = new SuggestRequest { Prefix = "手机", Context = new PageContext { Query = "\U0001F600" } }.ToByteArray();

        Assert.Null(MalformedRequest.FindInvalidUtf8(SuggestRequest.Descriptor, request, string.Empty, 0));
    }

    [Fact]
    public void FindInvalidUtf8_InNestedSingularMessage_GivesDottedPath()
    {
        var request = Concat(new SuggestRequest { Prefix = "la" }.ToByteArray(), Field(5, [0x0A, 0x02, 0xC0, 0xAF])); // context.query = C0 AF

        Assert.Equal("context.query", MalformedRequest.FindInvalidUtf8(SuggestRequest.Descriptor, request, string.Empty, 0));
    }

    private static byte[] Field(int number, byte[] value) => Concat([(byte)((number << 3) | 2), (byte)value.Length], value);

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];
}
