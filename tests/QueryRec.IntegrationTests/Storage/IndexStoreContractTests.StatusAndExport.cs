using Google.Protobuf;
using QueryRec.Storage;
using V1 = QueryRec.Storage.V1;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>The contract: the status of the retained versions, a version's export, announcements to subscribers, and each version's ranking model.</summary>
public abstract partial class IndexStoreContractTests
{
    [Fact]
    public async Task GetStatusAsync_ThreeVersions_ListsNewestFirstWithTimesAndCounts()
    {
        var sut = CreateStore();
        var published = new List<DateTimeOffset>();
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            published.Add(Time.GetUtcNow());
            await sut.Admin.PublishAsync(TestIndexes.Build(version, fillerQueries: 2));
            Time.Advance(TimeSpan.FromMinutes(5));
        }

        var status = await sut.Admin.GetStatusAsync();

        Assert.Equal("v3", status.ActiveVersion);
        Assert.Equal(["v3", "v2", "v1"], status.Versions.Select(v => v.Version));
        Assert.Equal([published[2], published[1], published[0]], status.Versions.Select(v => v.PublishedAt));
        Assert.Equal([true, false, false], status.Versions.Select(v => v.IsActive));
        var newest = status.Versions[0];
        Assert.Equal(TestIndexes.CreatedAt, newest.CreatedAt);
        Assert.Equal(7, newest.TotalRecords);
        Assert.Equal(4, newest.RecordCounts[IndexKeys.PrefixKind]);
        Assert.Equal(3, newest.RecordCounts[IndexKeys.QueryKind]);
    }

    [Fact]
    public async Task GetStatusAsync_AfterRollback_MarksRolledBackVersionActive()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        await sut.Admin.RollbackAsync();

        var status = await sut.Admin.GetStatusAsync();

        Assert.Equal("v1", status.ActiveVersion);
        Assert.Equal([("v2", false), ("v1", true)], status.Versions.Select(v => (v.Version, v.IsActive)));
    }

    [Fact]
    public async Task ReadBuildAsync_PublishedVersion_RoundTripsByteIdentically()
    {
        var sut = CreateStore();
        var build = TestIndexes.Build("v1", fillerQueries: 40);
        await sut.Admin.PublishAsync(build);

        var read = await sut.Admin.ReadBuildAsync("v1");

        Assert.Equal(build.Manifest, read.Manifest);
        Assert.Equal(build.Manifest.Checksum, IndexBuild.ComputeChecksum(read.Records));
        Assert.Equal(build.Records.Select(r => r.Key), read.Records.Select(r => r.Key));
        Assert.All(build.Records.Zip(read.Records), pair => Assert.Equal(pair.First.Value, pair.Second.Value));
    }

    [Fact]
    public async Task ReadBuildAsync_UnknownVersion_ThrowsKeyNotFound()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => sut.Admin.ReadBuildAsync("v2"));
    }

    [Fact]
    public async Task SubscribeAsync_Publish_NotifiesSubscriberWithVersion()
    {
        var sut = CreateStore();
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await sut.Store.SubscribeAsync(version => announced.TrySetResult(version));

        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        Assert.Equal("v1", await announced.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task SubscribeAsync_Rollback_NotifiesSubscriberWithVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await sut.Store.SubscribeAsync(version => announced.TrySetResult(version));

        await sut.Admin.RollbackAsync();

        Assert.Equal("v1", await announced.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetRankingModelAsync_EachVersionReadsItsOwnModel_AndExportCarriesIt()
    {
        var sut = CreateStore();
        var a = RankingModelPackages.Create("model-a", "features-v1", [1, 2, 3, 4], """{"model_version": "model-a"}""");
        var b = RankingModelPackages.Create("model-b", "features-v1", [5, 6, 7], """{"model_version": "model-b"}""");
        await sut.Admin.PublishAsync(WithModel(TestIndexes.Build("v1"), a));
        await sut.Admin.PublishAsync(WithModel(TestIndexes.Build("v2"), b));
        await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        Assert.Equal(a, await sut.Store.OpenSnapshot("v1").GetRankingModelAsync());
        Assert.Equal(b, await sut.Store.OpenSnapshot("v2").GetRankingModelAsync());
        Assert.Null(await sut.Store.OpenSnapshot("v3").GetRankingModelAsync());
        var exported = await sut.Admin.ReadBuildAsync("v1");
        Assert.Equal(a.ToByteArray(), exported.Records.Single(r => r.Key == IndexKeys.Model).Value);
        Assert.Equal(1, exported.Manifest.RecordCounts[IndexKeys.ModelKind]);
    }

    private static IndexBuild WithModel(IndexBuild build, V1.RankingModelPackage model)
        => IndexBuild.Create(build.Version, TestIndexes.CreatedAt, build.Manifest.Description, [.. build.Records, new IndexRecord(IndexKeys.Model, model.ToByteArray())]);
}
