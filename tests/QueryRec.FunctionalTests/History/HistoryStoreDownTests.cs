using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage.Realtime;

namespace QueryRec.FunctionalTests.History;

/// <summary>DeleteHistory with the real-time store down: never a success the caller could take as done.</summary>
public sealed class HistoryStoreDownTests
{
    [Fact]
    public async Task DeleteHistory_StoreDown_IsUnavailable()
    {
        var host = new EmbeddedHistoryHost
        {
            ExtraServices = static services => services.Replace(ServiceDescriptor.Singleton<IRealtimeStore>(new DownRealtimeStore())),
        };
        await host.InitializeAsync();
        try
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () =>
                await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = "u", All = true }));

            Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
