using System.CommandLine;
using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using QueryRec.Indexer.Client;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary><c>suggest</c>: asks a running server for completions of a prefix.</summary>
internal sealed class SuggestCommand
{
    public static Command Create(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "The server address (http:// for plain HTTP/2).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var prefix = new Option<string>("--prefix") { Description = "What the user has typed.", Required = true };
        var limit = new Option<int>("--limit") { Description = "How many completions.", DefaultValueFactory = _ => 10 };
        var user = new Option<string?>("--user") { Description = "The user id." };
        var command = new Command("suggest", "Call Suggest on a running QueryRec server.") { server, prefix, limit, user };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetRequiredValue(server),
            parseResult.GetRequiredValue(prefix),
            parseResult.GetValue(limit),
            parseResult.GetValue(user),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string server, string prefix, int limit, string? user, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliUserException($"--server '{server}' is not an http:// or https:// address.");
        }

        try
        {
            var response = await SuggestClient.SuggestAsync(uri, prefix, limit, user, context.Time, cancellationToken);
            var table = new Table().Title($"suggest '{Markup.Escape(prefix)}'").AddColumns("#", "text", "score", "category hint");
            var rank = 0;
            foreach (var item in response.Items)
            {
                table.AddRow(
                    (++rank).ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(item.Text),
                    item.Score.ToString("G6", CultureInfo.InvariantCulture),
                    Markup.Escape(item.CategoryHint));
            }

            context.Console.Write(table);
            var metadata = response.Metadata;
            context.Summary("suggest", [
                ("items", rank.ToString(CultureInfo.InvariantCulture)),
                ("index version", string.IsNullOrEmpty(metadata?.IndexVersion) ? "(none)" : metadata.IndexVersion),
                ("degraded", metadata is { Degraded: true } ? "yes: " + string.Join(", ", metadata.DegradedReasons) : "no"),
                ("request id", metadata?.RequestId ?? string.Empty),
            ]);
            return IndexerCli.ExitOk;
        }
        catch (RpcException ex)
        {
            await context.Error.WriteLineAsync($"failed: {ex.StatusCode}: {ex.Status.Detail}");
            var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
            if (badRequest is not null)
            {
                foreach (var violation in badRequest.FieldViolations)
                {
                    await context.Error.WriteLineAsync($"  {violation.Field}: {violation.Description}");
                }
            }

            return ex.StatusCode == StatusCode.InvalidArgument ? IndexerCli.ExitUserError : IndexerCli.ExitFailure;
        }
    }
}
