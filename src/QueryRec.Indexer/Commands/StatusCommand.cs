using System.CommandLine;
using System.Globalization;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary><c>status</c>: the published versions in Redis, and/or the manifest of an index file.</summary>
internal sealed class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var redis = new RedisAdminOptions();
        var index = new Option<string?>("--index") { Description = "An index file whose manifest to print." };
        var command = new Command("status", "Show the published versions (--redis) and/or an index file's manifest (--index).");
        redis.AddTo(command, required: false);
        command.Options.Add(index);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(index),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string? redis, string keyPrefix, string? indexPath, CancellationToken cancellationToken)
    {
        if (redis is null && indexPath is null)
        {
            throw new CliUserException("give --redis HOST:PORT, --index FILE, or both.");
        }

        if (indexPath is not null)
        {
            PrintManifest(context, indexPath, IndexerCli.ReadIndexFile(indexPath).Manifest);
        }

        if (redis is not null)
        {
            var options = RedisAdmin.ValidateOptions(keyPrefix, 3);
            await using var admin = await context.AdminFactory(redis, options, context.Time);
            var status = await admin.Store.GetStatusAsync(cancellationToken);
            var table = new Table().Title($"versions in {Markup.Escape(redis)} ({Markup.Escape(options.KeyPrefix)})")
                .AddColumns("version", "active", "created", "published", "records");
            foreach (var v in status.Versions)
            {
                table.AddRow(
                    Markup.Escape(v.Version),
                    v.IsActive ? "yes" : string.Empty,
                    v.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                    v.PublishedAt.ToString("u", CultureInfo.InvariantCulture),
                    BuildCommand.N(v.TotalRecords));
            }

            context.Console.Write(table);
            context.Summary("status", [
                ("active version", status.ActiveVersion ?? "(none published)"),
                ("retained versions", BuildCommand.N(status.Versions.Count)),
            ]);
        }

        return IndexerCli.ExitOk;
    }

    internal static void PrintManifest(CliContext context, string source, IndexManifest manifest)
    {
        var rows = new List<(string, string)>
        {
            ("file", source),
            ("version", manifest.Version),
            ("format", manifest.FormatVersion.ToString(CultureInfo.InvariantCulture)),
            ("created", DateTimeOffset.FromUnixTimeMilliseconds(manifest.CreatedUnixMs).ToString("u", CultureInfo.InvariantCulture)),
            ("total records", BuildCommand.N(manifest.TotalRecords)),
        };
        foreach (var (kind, count) in manifest.RecordCounts.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            rows.Add(($"records '{kind}'", BuildCommand.N(count)));
        }

        rows.Add(("checksum", manifest.Checksum.ToString("x16", CultureInfo.InvariantCulture)));
        rows.Add(("description", manifest.Description));
        context.Summary("index file", rows);
    }
}
