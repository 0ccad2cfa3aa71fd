using QueryRec.Indexer.Commands;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await IndexerCli.RunAsync(args, cancellationToken: cancellation.Token);
