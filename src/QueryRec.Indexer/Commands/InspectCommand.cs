using System.CommandLine;
using System.Globalization;
using QueryRec.Core.Normalization;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.V1;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>inspect</c>: prints what an index version holds for a query (stats, q2q, Discover related with each entry's
/// source, refinements), an item (i2q),
/// a key of a completion table (<c>--prefix</c>, with <c>--table p|py|pi|x</c>) or a category (hot and trending), read through <see cref="IIndexSnapshot"/> from an
/// index file or the active version in Redis.
/// </summary>
internal sealed class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var redis = new RedisAdminOptions();
        var index = new Option<string?>("--index") { Description = "The index file to read." };
        var query = new Option<string?>("--query") { Description = "A query: its stats, q2q, Discover related (rd:, with sources) and refinements." };
        var item = new Option<string?>("--item") { Description = "An item id: its i2q list." };
        var prefix = new Option<string?>("--prefix") { Description = "A prefix: its node in the table chosen by --table." };
        var table = new Option<string>("--table") { Description = "The completion table of --prefix: p (prefix), py (full pinyin), pi (pinyin initials), x (word-start infix).", DefaultValueFactory = _ => IndexKeys.PrefixKind };
        table.AcceptOnlyFromAmong(IndexKeys.PrefixKind, IndexKeys.PinyinFullKind, IndexKeys.PinyinInitialsKind, IndexKeys.InfixKind);
        var category = new Option<string?>("--category") { Description = "A category: its hot and trending lists ('' for the global lists)." };
        var command = new Command("inspect", "Print what an index holds for a query, an item, a prefix or a category.");
        redis.AddTo(command, required: false);
        command.Options.Add(index);
        command.Options.Add(query);
        command.Options.Add(item);
        command.Options.Add(prefix);
        command.Options.Add(table);
        command.Options.Add(category);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetValue(index),
            parseResult.GetValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            new Target(parseResult.GetValue(query), parseResult.GetValue(item), parseResult.GetValue(prefix), parseResult.GetValue(category), TableOf(parseResult.GetRequiredValue(table))),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string? indexPath, string? redis, string keyPrefix, Target target, CancellationToken cancellationToken)
    {
        if ((indexPath is null) == (redis is null))
        {
            throw new CliUserException("give exactly one of --index FILE or --redis HOST:PORT.");
        }

        if (target.Query is null && target.Item is null && target.Prefix is null && target.Category is null)
        {
            throw new CliUserException("give at least one of --query, --item, --prefix or --category.");
        }

        if (indexPath is not null)
        {
            var store = new EmbeddedIndexStore(1, context.Time);
            var build = IndexerCli.ReadIndexFile(indexPath);
            await store.PublishAsync(build, cancellationToken: cancellationToken);
            await PrintAsync(context, store.OpenSnapshot(build.Version), target, cancellationToken);
            return IndexerCli.ExitOk;
        }

        var options = RedisAdmin.ValidateOptions(keyPrefix, 3);
        await using var admin = await context.AdminFactory(redis!, options, context.Time);
        if (admin.Store is not IIndexStore reader)
        {
            throw new CliUserException("this store cannot be read.");
        }

        var version = await reader.GetActiveVersionAsync(cancellationToken) ?? throw new CliUserException("no version is published.");
        await PrintAsync(context, reader.OpenSnapshot(version), target, cancellationToken);
        return IndexerCli.ExitOk;
    }

    private static async Task PrintAsync(CliContext context, IIndexSnapshot snapshot, Target target, CancellationToken ct)
    {
        var console = context.Console;
        console.WriteLine($"version {snapshot.Version}");
        if (target.Query is { } rawQuery)
        {
            var q = QueryNormalizer.Normalize(rawQuery);
            var stats = await snapshot.GetQueryStatsAsync(q, ct);
            if (stats is null)
            {
                console.WriteLine($"query '{q}': not in the vocabulary");
            }
            else
            {
                context.Summary($"query '{q}'", [
                    ("count", BuildCommand.N(stats.Count)),
                    ("distinct users", BuildCommand.N(stats.DistinctUsers)),
                    ("popularity (decayed)", F(stats.Popularity)),
                    ("clicks / carts / orders", $"{BuildCommand.N(stats.Clicks)} / {BuildCommand.N(stats.Carts)} / {BuildCommand.N(stats.Orders)}"),
                    ("ctr / cvr", $"{F(stats.Ctr)} / {F(stats.Cvr)}"),
                    ("gmv", F(stats.Gmv)),
                    ("category hint", stats.CategoryHint),
                    ("top categories", string.Join(", ", stats.TopCategories.Select(c => $"{c.Category} {F(c.Share)} ({c.Clicks})"))),
                    ("zero-result searches / known", $"{stats.ZeroResultSearches} / {stats.SearchesWithResultCount}"),
                    ("pinned", stats.Pinned ? "yes" : "no"),
                ]);
            }

            Related(console, $"q2q of '{q}'", "llr", await snapshot.GetRelatedQueriesAsync(q, ct));
            DiscoveryRelated(console, $"Discover related of '{q}' (rd:)", await snapshot.GetDiscoveryRelatedAsync(q, ct));
            Related(console, $"refinements of '{q}'", "score", await snapshot.GetRefinementsAsync(q, ct));
        }

        if (target.Item is { } item)
        {
            var list = await snapshot.GetItemQueriesAsync(item, ct);
            var table = new Table().Title(Markup.Escape($"i2q of item '{item}'")).AddColumns("query", "weight", "clicks", "carts", "orders");
            foreach (var r in list?.Queries ?? [])
            {
                table.AddRow(Markup.Escape(r.Text), F(r.Weight), r.Clicks.ToString(CultureInfo.InvariantCulture), r.Carts.ToString(CultureInfo.InvariantCulture), r.Orders.ToString(CultureInfo.InvariantCulture));
            }

            Write(console, table, list is null);
        }

        if (target.Prefix is { } rawPrefix)
        {
            var p = target.Table is CompletionTable.PinyinFull or CompletionTable.PinyinInitials
                ? rawPrefix.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant()
                : QueryNormalizer.NormalizePrefix(rawPrefix);
            var node = await CompletionNodes.ReadNodeAsync(snapshot, target.Table, p, await snapshot.GetInfoAsync(ct) ?? new IndexInfo(), ct);
            var table = new Table().Title(Markup.Escape($"{TableTitle(target.Table)} '{p}'")).AddColumns("completion", "score", "count", "users", "category", "top categories", "pinned");
            foreach (var c in node?.Completions ?? [])
            {
                table.AddRow(Markup.Escape(c.Text), F(c.Score), c.Count.ToString(CultureInfo.InvariantCulture), c.DistinctUsers.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.CategoryHint), Markup.Escape(string.Join(", ", c.TopCategories)), c.Pinned ? "yes" : string.Empty);
            }

            Write(console, table, node is null);
        }

        if (target.Category is { } category)
        {
            var name = category.Length == 0 ? "(global)" : category;
            var hot = await snapshot.GetHotAsync(category, ct);
            var table = new Table().Title(Markup.Escape($"hot in {name}")).AddColumns("query", "score", "count");
            foreach (var r in hot?.Queries ?? [])
            {
                table.AddRow(Markup.Escape(r.Text), F(r.Score), r.Count.ToString(CultureInfo.InvariantCulture));
            }

            Write(console, table, hot is null);
            var trending = await snapshot.GetTrendingAsync(category, ct);
            table = new Table().Title(Markup.Escape($"trending in {name}")).AddColumns("query", "score", "recent", "baseline", "count");
            foreach (var r in trending?.Queries ?? [])
            {
                table.AddRow(Markup.Escape(r.Text), F(r.Score), r.RecentCount.ToString(CultureInfo.InvariantCulture), r.BaselineCount.ToString(CultureInfo.InvariantCulture), r.Count.ToString(CultureInfo.InvariantCulture));
            }

            Write(console, table, trending is null);
        }
    }

    private static void Related(IAnsiConsole console, string title, string scoreName, RelatedQueries? list)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumns("query", scoreName, "count", "ctr");
        foreach (var r in list?.Queries ?? [])
        {
            table.AddRow(Markup.Escape(r.Text), F(r.Score), r.Count.ToString(CultureInfo.InvariantCulture), F(r.Ctr));
        }

        Write(console, table, list is null);
    }

    // Each source scores on its own scale (docs/indexer-build.md, "Discover related"), so the source goes beside the score.
    private static void DiscoveryRelated(IAnsiConsole console, string title, RelatedQueries? list)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumns("query", "source", "score", "count");
        foreach (var r in list?.Queries ?? [])
        {
            table.AddRow(Markup.Escape(r.Text), SourceName(r.Source), F(r.Score), r.Count.ToString(CultureInfo.InvariantCulture));
        }

        Write(console, table, list is null);
    }

    /// <summary>The source as the build documents it: q2q, co-click, shared words, category hot.</summary>
    internal static string SourceName(RelatedSource source) => source switch
    {
        RelatedSource.CoClick => "co-click",
        RelatedSource.SharedWords => "shared words",
        RelatedSource.CategoryHot => "category hot",
        _ => "q2q",
    };

    private static void Write(IAnsiConsole console, Table table, bool missing)
    {
        if (missing)
        {
            table.AddRow("(none)");
        }

        console.Write(table);
    }

    private static string F(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);

    private static string TableTitle(CompletionTable table) => table switch
    {
        CompletionTable.PinyinFull => "full pinyin",
        CompletionTable.PinyinInitials => "pinyin initials",
        CompletionTable.Infix => "infix",
        _ => "prefix",
    };

    private static CompletionTable TableOf(string kind) => kind switch
    {
        IndexKeys.PinyinFullKind => CompletionTable.PinyinFull,
        IndexKeys.PinyinInitialsKind => CompletionTable.PinyinInitials,
        IndexKeys.InfixKind => CompletionTable.Infix,
        _ => CompletionTable.Prefix,
    };

    /// <summary>What to inspect; <paramref name="Table"/> is the completion table of <paramref name="Prefix"/>.</summary>
    internal sealed record Target(string? Query, string? Item, string? Prefix, string? Category, CompletionTable Table = CompletionTable.Prefix);
}
