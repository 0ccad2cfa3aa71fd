using Grpc.Core;
using QueryRec.Contracts.Admin.V1;
using QueryRec.FunctionalTests.History;

namespace QueryRec.FunctionalTests.Security;

/// <summary>
/// The admin service (erasure) answers on the admin port only, and only with the configured bearer token: the public
/// gRPC and Web ports refuse it even with the token, the admin port refuses a missing or wrong one.
/// </summary>
public sealed class AdminAccessTests(EmbeddedErasureHost host) : IClassFixture<EmbeddedErasureHost>
{
    private static readonly ForgetSubjectRequest Request = new() { UserId = "someone" };

    [Fact]
    public async Task PublicGrpcPort_AdminRpcWithTheToken_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.AdminOnPublicPort.ForgetSubjectAsync(Request, ErasureHost.WithToken()));

        Assert.Contains(ex.StatusCode, new[] { StatusCode.Unimplemented, StatusCode.PermissionDenied });
    }

    [Fact]
    public async Task WebPort_AdminRpcWithTheToken_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.AdminOnWebPort.ForgetSubjectAsync(Request, ErasureHost.WithToken()));

        Assert.Contains(ex.StatusCode, new[] { StatusCode.Unimplemented, StatusCode.PermissionDenied });
    }

    [Fact]
    public async Task PublicGrpcPort_AdminRpcWithTheAdminPortAsHost_IsPermissionDenied()
    {
        // The route's host rule reads the Host header: a caller that names the admin port still reached the public one.
        var options = ErasureHost.WithToken();
        options.Headers!.Add("host", $"127.0.0.1:{host.AdminPort}");

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.AdminOnPublicPort.ForgetSubjectAsync(Request, options));

        Assert.Contains(ex.StatusCode, new[] { StatusCode.Unimplemented, StatusCode.PermissionDenied });
    }

    [Fact]
    public async Task AdminPort_WithoutToken_IsUnauthenticated()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Admin.ForgetSubjectAsync(Request));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Theory]
    [InlineData("Bearer wrong-token-of-some-length")]
    [InlineData("Bearer " + ErasureHost.Token + "x")]
    [InlineData("Basic " + ErasureHost.Token)]
    [InlineData(ErasureHost.Token)]
    public async Task AdminPort_WrongToken_IsUnauthenticated(string authorization)
    {
        var options = new CallOptions(new Metadata { { "authorization", authorization } });

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Admin.ForgetSubjectAsync(Request, options));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task AdminPort_WithTheToken_Answers()
    {
        var response = await host.Admin.ForgetSubjectAsync(Request, ErasureHost.WithToken());

        Assert.Equal(0, response.Erased);
    }
}
