namespace QueryRec.IntegrationTests.Storage;

/// <summary>The contract: publishing activates a version, a second publish flips to it, rollback walks back, retention deletes the oldest.</summary>
public abstract partial class IndexStoreContractTests
{
    [Fact]
    public async Task GetActiveVersionAsync_NothingPublished_ReturnsNull()
    {
        var sut = CreateStore();

        var active = await sut.Store.GetActiveVersionAsync();

        Assert.Null(active);
    }

    [Fact]
    public async Task PublishAsync_FirstVersion_ActivatesItAndServesPrefixNodes()
    {
        var sut = CreateStore();
        var build = TestIndexes.Build("v1", count: 42);

        var result = await sut.Admin.PublishAsync(build);
        var node = await sut.Store.OpenSnapshot("v1").GetPrefixNodeAsync("ge");

        Assert.Equal(("v1", null, (long)build.Records.Count), (result.Version, result.PreviousVersion, result.RecordsWritten));
        Assert.Empty(result.DeletedVersions);
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
        Assert.NotNull(node);
        var completion = Assert.Single(node.Completions);
        Assert.Equal("gear", completion.Text);
        Assert.Equal(42, completion.Count);
    }

    [Fact]
    public async Task PublishAsync_SecondVersion_FlipsActiveVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 1));

        var result = await sut.Admin.PublishAsync(TestIndexes.Build("v2", count: 2));

        Assert.Equal("v1", result.PreviousVersion);
        Assert.Equal("v2", await sut.Store.GetActiveVersionAsync());
        Assert.Equal(2, (await sut.Store.OpenSnapshot("v2").GetQueryStatsAsync("gear"))?.Count);
    }

    [Fact]
    public async Task OpenSnapshot_OlderRetainedVersion_StillReadsThatVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 1));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2", count: 2));

        var stats = await sut.Store.OpenSnapshot("v1").GetQueryStatsAsync("gear");

        Assert.Equal(1, stats?.Count);
    }

    [Fact]
    public async Task PublishAsync_SameVersionTwice_ThrowsAndKeepsActiveVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 1));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2", count: 2));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 3)));

        Assert.Equal("v2", await sut.Store.GetActiveVersionAsync());
        Assert.Equal(1, (await sut.Store.OpenSnapshot("v1").GetQueryStatsAsync("gear"))?.Count);
    }

    [Fact]
    public async Task RollbackAsync_NoTarget_ActivatesPreviousVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));

        var version = await sut.Admin.RollbackAsync();

        Assert.Equal("v1", version);
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_Repeated_WalksBackInPublishOrderUntilNoneLeft()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        var first = await sut.Admin.RollbackAsync();
        var second = await sut.Admin.RollbackAsync();

        Assert.Equal(("v2", "v1"), (first, second));
        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync());
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_NamedVersion_ActivatesThatVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        var version = await sut.Admin.RollbackAsync("v1");

        Assert.Equal("v1", version);
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_OnlyOneVersion_Throws()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync());

        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_UnknownVersion_Throws()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync("v9"));

        Assert.Equal("v2", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_BeyondRetention_DeletesOldestVersion()
    {
        var sut = CreateStore(retainVersions: 2);
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));

        var result = await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        Assert.Equal(["v1"], result.DeletedVersions);
        var status = await sut.Admin.GetStatusAsync();
        Assert.Equal(["v3", "v2"], status.Versions.Select(v => v.Version));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => sut.Admin.ReadBuildAsync("v1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync("v1"));
    }
}
