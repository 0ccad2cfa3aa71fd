using QueryRec.UnitTests.Indexer.Commands;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// A simulated log (hanzi, pinyin and Latin queries) and the CLI steps of a partitioned build over it, made by the
/// indexer itself: <c>simulate</c>, <c>aggregate</c>, <c>build</c> (whole or <c>--partition I/N</c>), <c>assemble</c>.
/// </summary>
internal sealed class SliceFiles(TempDirectory dir)
{
    /// <summary>Simulates a log of <paramref name="users"/> users.</summary>
    public async Task<string> LogAsync(int users = 200, int seed = 5)
    {
        var log = dir.File($"log-{users}-{seed}.jsonl");
        if (!File.Exists(log))
        {
            await Ok("simulate", "--output", log, "--users", users.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return log;
    }

    /// <summary>Writes the aggregate tables of <paramref name="log"/>.</summary>
    public async Task<string> AggregatesAsync(string log)
    {
        var tables = dir.File(Path.GetFileNameWithoutExtension(log) + "-tables");
        await Ok("aggregate", "--input", log, "--output", tables);
        return tables;
    }

    /// <summary>Builds the whole index from <paramref name="input"/> (e.g. "--input", LOG) into <paramref name="name"/>.</summary>
    public async Task<string> WholeAsync(string name, params string[] input)
    {
        var output = dir.File(name);
        await Ok(["build", .. input, "--output", output]);
        return output;
    }

    /// <summary>Builds the <paramref name="n"/> slices of <paramref name="input"/> into a directory of their own.</summary>
    public async Task<string> SlicesAsync(string name, int n, params string[] input)
    {
        var slices = dir.File(name);
        Directory.CreateDirectory(slices);
        for (var i = 0; i < n; i++)
        {
            await Ok(["build", .. input, "--partition", $"{i}/{n}", "--output", Path.Combine(slices, $"slice-{i}.qrx")]);
        }

        return slices;
    }

    /// <summary>Runs the CLI; asserts exit code 0.</summary>
    public static async Task<string> Ok(params string[] args)
    {
        var (code, stdout, stderr) = await IndexerCliTests.Run(args);
        Assert.True(code == 0, $"{string.Join(' ', args)}: {stderr}");
        return stdout;
    }
}
