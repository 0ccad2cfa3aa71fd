using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>What every command needs: where to write, and the clock.</summary>
internal sealed class CliContext(IAnsiConsole console, TextWriter error, TimeProvider time, IndexAdminFactory? adminFactory = null)
{
    /// <summary>Opens the index admin of publish, status, rollback and export.</summary>
    public IndexAdminFactory AdminFactory { get; } = adminFactory ?? RedisAdmin.ConnectAsync;

    /// <summary>Standard output: tables and progress.</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>Standard error: one-line errors and bad-line reports.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>The clock (build times, version ids).</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Runs <paramref name="work"/> with a progress bar when the console is interactive.</summary>
    /// <param name="work">Gets a callback taking (done, total).</param>
    public T WithProgress<T>(string description, Func<Action<double, double>, T> work)
    {
        if (!Console.Profile.Capabilities.Interactive)
        {
            return work(static (_, _) => { });
        }

        return Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description);
                var result = work((done, total) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>Async variant of <see cref="WithProgress{T}"/>.</summary>
    public async Task<T> WithProgressAsync<T>(string description, Func<Action<double, double>, Task<T>> work)
    {
        if (!Console.Profile.Capabilities.Interactive)
        {
            return await work(static (_, _) => { });
        }

        return await Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(description);
                var result = await work((done, total) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>Starts the progress lines of a long stage on <see cref="Error"/> (see <see cref="ProgressLine"/>); dispose it when the stage ends.</summary>
    public ProgressLine Progress(string stage, long total = 0, string unit = "") => new(Error, Time, stage, total, unit);

    /// <summary>Writes a two-column summary table.</summary>
    public void Summary(string title, IEnumerable<(string Name, string Value)> rows)
    {
        var table = new Table().Title(title).AddColumn("Metric").AddColumn(new TableColumn("Value"));
        foreach (var (name, value) in rows)
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        Console.Write(table);
    }
}

/// <summary>A mistake of the user (bad option value, missing file): reported in one line, exit code 1.</summary>
internal sealed class CliUserException(string message) : Exception(message);
