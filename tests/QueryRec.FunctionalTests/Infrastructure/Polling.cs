using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>Waits in tests for something the host does in the background (a model swap, a counter), failing after a deadline.</summary>
internal static class Polling
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="deadline"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, $"Timed out waiting for {what}.");
            await Task.Delay(Interval);
        }
    }

    /// <summary>Suggests "ge" until the answer is ranked by model <paramref name="version"/>; returns that answer.</summary>
    public static async Task<SuggestResponse> ForModelAsync(QueryRecService.QueryRecServiceClient client, string version, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (true)
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
            if (response.Metadata.ModelVersion == version)
            {
                return response;
            }

            Assert.True(DateTime.UtcNow < end, $"Timed out waiting for model {version}; serving {response.Metadata.ModelVersion}.");
            await Task.Delay(Interval);
        }
    }

    /// <summary>Suggests <paramref name="prefix"/> until the answer comes from index <paramref name="version"/>.</summary>
    public static async Task ForIndexAsync(QueryRecService.QueryRecServiceClient client, string version, TimeSpan deadline, string prefix = "zz")
    {
        var end = DateTime.UtcNow + deadline;
        while (true)
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = prefix });
            if (response.Metadata.IndexVersion == version)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < end, $"Timed out waiting for index {version}; serving '{response.Metadata.IndexVersion}'.");
            await Task.Delay(Interval);
        }
    }
}
