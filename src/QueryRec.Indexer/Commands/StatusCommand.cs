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
            var build = IndexerCli.ReadIndexFile(indexPath);
            PrintManifest(context, indexPath, build.Manifest, ModelVersionOf(build));
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
            var indexModel = string.Empty;
            if (status.ActiveVersion is { } active && admin.Store is IIndexStore reader)
            {
                indexModel = (await reader.OpenSnapshot(active).GetInfoAsync(cancellationToken))?.RankingModelVersion ?? string.Empty;
            }

            var rows = new List<(string, string)>
            {
                ("active version", status.ActiveVersion ?? "(none published)"),
                ("retained versions", BuildCommand.N(status.Versions.Count)),
                ("index's ranking model", indexModel.Length > 0 ? indexModel : "(none)"),
            };
            if (admin.Models is { } models)
            {
                var modelStatus = await models.GetStatusAsync(cancellationToken);
                var modelTable = new Table().Title("ranking models published on their own (publish-model)")
                    .AddColumns("id", "model version", "active", "published");
                foreach (var m in modelStatus.Models)
                {
                    modelTable.AddRow(
                        Markup.Escape(m.Id),
                        Markup.Escape(m.ModelVersion),
                        m.IsActive ? "yes" : string.Empty,
                        m.PublishedAt.ToString("u", CultureInfo.InvariantCulture));
                }

                context.Console.Write(modelTable);
                var own = modelStatus.Models.FirstOrDefault(m => m.IsActive);
                rows.Add(("published ranking model", own is null ? "(none)" : $"{own.ModelVersion} (id {own.Id})"));
                rows.Add(("ranking_model_version (served unless a server sets QueryRec:Ranking:Model:Path)",
                    own?.ModelVersion ?? (indexModel.Length > 0 ? indexModel : "heuristic")));
            }

            context.Summary("status", rows);
        }

        return IndexerCli.ExitOk;
    }

    /// <summary>The model version carried by a build (its <see cref="IndexInfo"/>), or empty.</summary>
    internal static string ModelVersionOf(IndexBuild build)
    {
        var info = build.Records.FirstOrDefault(r => r.Key == IndexKeys.Info);
        return info.Value is null ? string.Empty : IndexInfo.Parser.ParseFrom(info.Value).RankingModelVersion;
    }

    internal static void PrintManifest(CliContext context, string source, IndexManifest manifest, string? rankingModelVersion = null)
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
        if (rankingModelVersion is not null)
        {
            rows.Add(("ranking model", rankingModelVersion.Length > 0 ? rankingModelVersion : "(none)"));
        }

        context.Summary("index file", rows);
    }
}
