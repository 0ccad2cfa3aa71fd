using System.CommandLine;
using QueryRec.Storage;
using QueryRec.Storage.Redis;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>publish</c>: publishes an index file, or the assembled slices of a partitioned build, to Redis as a new version.
/// The slices are all read and verified before anything is written to Redis.
/// </summary>
internal sealed class PublishCommand
{
    public static Command Create(CliContext context)
    {
        var index = new Option<string?>("--index") { Description = "The index file (.qrx) to publish (or give --slices)." };
        var slices = SlicesOptions.Directory();
        var wait = SlicesOptions.Wait();
        var redis = new RedisAdminOptions();
        var retain = new Option<int>("--retain") { Description = "Versions kept for rollback (the active one included).", DefaultValueFactory = _ => 3 };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Writes kept in flight (pipelined); lower it to spare a busy Redis, at the cost of a slower publish.",
            DefaultValueFactory = _ => new RedisIndexOptions().WriteBatchSize,
        };
        var bucketBytes = new Option<int>("--bucket-bytes")
        {
            Description = "Target bytes of records per packed Redis bucket (256..1048576): larger buckets use less Redis memory and cost more per cache miss.",
            DefaultValueFactory = _ => new RedisIndexOptions().BucketBytes,
        };
        var quality = new Option<int>("--compression-quality")
        {
            Description = "Brotli quality of the packed buckets (0..11): lower publishes faster and takes a little more Redis memory.",
            DefaultValueFactory = _ => new RedisIndexOptions().CompressionQuality,
        };
        var command = new Command("publish", "Publish an index file (or the slices of a partitioned build) to Redis and make it active.") { index, slices, wait };
        redis.AddTo(command);
        command.Options.Add(retain);
        command.Options.Add(batchSize);
        command.Options.Add(bucketBytes);
        command.Options.Add(quality);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            new PublishSource(parseResult.GetValue(index), parseResult.GetValue(slices), parseResult.GetValue(wait), parseResult.GetResult(wait) is { Implicit: false }),
            parseResult.GetRequiredValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(retain),
            parseResult.GetValue(batchSize),
            parseResult.GetValue(bucketBytes),
            parseResult.GetValue(quality),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, PublishSource source, string redis, string keyPrefix, int retain, int batchSize, int bucketBytes, int compressionQuality, CancellationToken cancellationToken)
    {
        var options = RedisAdmin.ValidateOptions(keyPrefix, retain, batchSize, bucketBytes, compressionQuality);
        var phases = new PhaseTimer(context.Time);
        // An index file, or the slices assembled as they are read (all of them verified first).
        var (file, slices) = await source.OpenAsync(context, cancellationToken);
        using var reader = file;
        var version = file.Manifest.Version;
        phases.Enter("read");
        await using var admin = await context.AdminFactory(redis, options, context.Time);
        PublishResult result;
        try
        {
            // One streaming pass: the records are read, packed and written as they come ("write" includes the file read).
            result = await context.WithProgressAsync($"publishing {version}", report => admin.Store.PublishFileAsync(
                file,
                new SyncProgress<PublishProgress>(p =>
                {
                    phases.Enter(p.Phase);
                    report(p.Done, p.Total);
                }),
                cancellationToken));
            phases.Enter("flip");
        }
        catch (InvalidOperationException ex)
        {
            throw new CliUserException($"cannot publish {version}: {IndexerCli.FirstLine(ex.Message)}");
        }
        catch (InvalidDataException ex) when (file.IsInvalid || slices?.IsInvalid == true)
        {
            var what = slices is null ? $"{source.Index} is not a valid index file" : $"{source.Name} do not make a valid index";
            throw new CliUserException($"{what}: {IndexerCli.FirstLine(ex.Message)} Nothing was published; the active version is unchanged.");
        }

        context.Summary("publish", [
            ("version", result.Version),
            ("previous version", result.PreviousVersion ?? "(none)"),
            ("records written", BuildCommand.N(result.RecordsWritten)),
            ("source", slices is null ? source.Name : $"{slices.Count} slices in {source.Slices}"),
            ("deleted versions", result.DeletedVersions.Count == 0 ? "(none)" : string.Join(", ", result.DeletedVersions)),
            ("redis", redis),
            ("key prefix", options.KeyPrefix),
            ("phases", phases.ToString()),
        ]);
        return IndexerCli.ExitOk;
    }

    /// <summary>Wall time per publish phase (open the file, connect and prepare, read-pack-write, validate, flip and retention), for tests/load/publish-rate.sh.</summary>
    private sealed class PhaseTimer(TimeProvider time)
    {
        private readonly List<(string Phase, TimeSpan Elapsed)> _done = [];
        private string _phase = "read";
        private long _start = time.GetTimestamp();

        /// <summary>Ends the current phase when <paramref name="next"/> is another one; "read" ends the file read, the next phase is "prepare".</summary>
        public void Enter(string next)
        {
            if (next == _phase && next != "read")
            {
                return;
            }

            var now = time.GetTimestamp();
            _done.Add((_phase, time.GetElapsedTime(_start, now)));
            _phase = next == "read" ? "prepare" : next;
            _start = now;
        }

        public override string ToString()
            => string.Join(", ", _done.Select(static d => $"{d.Phase} {d.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} s"));
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (no posting to a context).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
