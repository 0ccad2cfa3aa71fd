using System.CommandLine;
using QueryRec.Core;
using QueryRec.Storage.Realtime;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>forget-subject</c>: erases every per-subject record of one user or device from the Redis real-time namespace
/// (right to be forgotten), the operator's way in without the admin port. Prints how many records went.
/// </summary>
internal sealed class ForgetSubjectCommand
{
    public static Command Create(CliContext context)
    {
        var redis = new RedisAdminOptions();
        var userId = new Option<string?>("--user-id") { Description = "The user id to erase." };
        var deviceId = new Option<string?>("--device-id") { Description = "The device id to erase." };
        var command = new Command("forget-subject", "Erase a user's or a device's history, exposures and event dedupe marks from Redis (exactly one of --user-id, --device-id).");
        redis.AddTo(command);
        command.Options.Add(userId);
        command.Options.Add(deviceId);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetRequiredValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(userId),
            parseResult.GetValue(deviceId),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string redis, string keyPrefix, string? userId, string? deviceId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId) == string.IsNullOrEmpty(deviceId))
        {
            throw new CliUserException("give exactly one of --user-id and --device-id.");
        }

        var id = userId ?? deviceId!;
        if (id.Length > Limits.MaxIdLength)
        {
            throw new CliUserException($"the id must be at most {Limits.MaxIdLength} characters (got {id.Length}).");
        }

        var subject = userId is not null ? RealtimeSubject.User(userId) : RealtimeSubject.Device(deviceId!);
        await using var admin = await context.AdminFactory(redis, RedisAdmin.ValidateOptions(keyPrefix, 3), context.Time);
        var store = admin.Realtime ?? throw new CliUserException("forget-subject needs Redis (--redis); the embedded store lives in the server: use the admin port.");
        var erased = await store.EraseSubjectAsync(subject, cancellationToken);
        context.Console.WriteLine($"erased {erased} records of the {(userId is not null ? "user" : "device")}");
        return IndexerCli.ExitOk;
    }
}
