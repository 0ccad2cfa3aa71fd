using System.CommandLine;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The indexer command line, callable in-process: <c>await IndexerCli.RunAsync(["build", "--input", …])</c>.
/// Exit codes: 0 ok, 1 user error (bad options, missing or invalid input), 2 failure.
/// </summary>
public static class IndexerCli
{
    /// <summary>Success.</summary>
    public const int ExitOk = 0;

    /// <summary>A user error: bad options, missing or invalid input.</summary>
    public const int ExitUserError = 1;

    /// <summary>A failure: Redis unreachable, server error, unexpected exception.</summary>
    public const int ExitFailure = 2;

    /// <summary>Parses and runs a command.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Where tables go; the process console when null.</param>
    /// <param name="error">Where errors go; the process standard error when null.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
        => RunAsync(args, output, error, timeProvider, null, cancellationToken);

    /// <summary>Like the public overload, with the index admin of the Redis commands replaced (tests).</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter? output, TextWriter? error, TimeProvider? timeProvider, IndexAdminFactory? adminFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        QueryRec.Core.TextEnvironment.EnsureIcu();
        var console = output is null
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(output),
            });
        if (output is not null)
        {
            console.Profile.Width = 160;
        }
        else if (Console.IsOutputRedirected)
        {
            // A log file or `| tee` has no terminal width: Spectre assumes 80 columns and wraps wide tables (evaluate's
            // ten columns with the ceilings) into unreadable cells.
            console.Profile.Width = 200;
        }

        var stdout = output ?? Console.Out;
        // Progress lines come from a timer thread while the command writes its own errors.
        var stderr = TextWriter.Synchronized(error ?? Console.Error);
        var context = new CliContext(console, stderr, timeProvider ?? TimeProvider.System, adminFactory);
        var root = CreateRootCommand(context);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await stderr.WriteLineAsync("error: " + OneLine(parseError.Message));
            }

            var commandName = parseResult.CommandResult.Command is RootCommand ? string.Empty : " " + parseResult.CommandResult.Command.Name;
            await stderr.WriteLineAsync($"Run '{root.Name}{commandName} --help' for usage.");
            return ExitUserError;
        }

        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception ex)
        {
            var (code, message) = Classify(ex);
            await stderr.WriteLineAsync(message);
            return code;
        }
    }

    /// <summary>Creates the root command with every subcommand.</summary>
    internal static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand("QueryRec indexer: import logs, build the query index, publish it to Redis.");
        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(AggregateCommand.Create(context));
        root.Subcommands.Add(BuildCommand.Create(context));
        root.Subcommands.Add(AssembleCommand.Create(context));
        root.Subcommands.Add(SimulateCommand.Create(context));
        root.Subcommands.Add(PublishCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(RollbackCommand.Create(context));
        root.Subcommands.Add(PublishModelCommand.Create(context));
        root.Subcommands.Add(RollbackModelCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(SuggestCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        root.Subcommands.Add(EvalMatchingCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(EvaluateCommand.Create(context));
        root.Subcommands.Add(ForgetSubjectCommand.Create(context));
        root.Subcommands.Add(PushExportCommand.Create(context));
        return root;
    }

    /// <summary>Maps an exception to an exit code and a one-line message.</summary>
    internal static (int Code, string Message) Classify(Exception ex) => ex switch
    {
        CliUserException => (ExitUserError, "error: " + ex.Message),
        FileNotFoundException f => (ExitUserError, "error: file not found: " + (f.FileName ?? f.Message)),
        DirectoryNotFoundException => (ExitUserError, "error: " + ex.Message),
        UnauthorizedAccessException => (ExitUserError, "error: " + ex.Message),
        InvalidDataException => (ExitFailure, "failed: invalid data: " + FirstLine(ex.Message)),
        OperationCanceledException => (ExitFailure, "failed: cancelled"),
        StackExchange.Redis.RedisConnectionException => (ExitFailure, "failed: cannot connect to Redis: " + FirstLine(ex.Message)),
        Grpc.Core.RpcException rpc => (ExitFailure, $"failed: the server answered {rpc.StatusCode}: {FirstLine(rpc.Status.Detail)}"),
        _ => (ExitFailure, $"failed: {ex.GetType().Name}: {FirstLine(ex.Message)}"),
    };

    /// <summary>Reads an index file given by the user: a missing or invalid file is a user error.</summary>
    internal static Storage.IndexBuild ReadIndexFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUserException($"index file not found: {path}");
        }

        try
        {
            return Storage.IndexFile.ReadFile(path);
        }
        catch (InvalidDataException ex)
        {
            throw new CliUserException($"{path} is not a valid index file: {FirstLine(ex.Message)}");
        }
    }

    /// <summary>Opens an index file given by the user for one streaming pass: a missing file or a bad header is a user error.</summary>
    internal static Storage.IndexFileReader OpenIndexFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUserException($"index file not found: {path}");
        }

        try
        {
            return Storage.IndexFileReader.Open(path);
        }
        catch (InvalidDataException ex)
        {
            throw new CliUserException($"{path} is not a valid index file: {FirstLine(ex.Message)}");
        }
    }

    internal static string OneLine(string s)
        => string.Join(' ', s.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    internal static string FirstLine(string s)
    {
        var nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
