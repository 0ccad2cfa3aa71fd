using QueryRec.Indexer.Commands;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>What the <c>indexer</c> replay tests share: running the CLI in process and writing JSONL search lines.</summary>
internal static class IndexerRun
{
    /// <summary>Runs the indexer CLI; the output holds standard error, then standard output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, error);
        return (code, error.ToString() + output);
    }

    /// <summary>One search event as a JSONL line.</summary>
    public static string Search(string user, string query, string time)
        => $$"""{"type":"search","user":"{{user}}","query":"{{query}}","time":"{{time}}"}""";
}
