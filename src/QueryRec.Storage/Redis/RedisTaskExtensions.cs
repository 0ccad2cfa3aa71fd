namespace QueryRec.Storage.Redis;

internal static class RedisTaskExtensions
{
    /// <summary>Stops waiting when the token fires (the Redis command itself still completes).</summary>
    public static Task<T> WithCancellation<T>(this Task<T> task, CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;

    /// <inheritdoc cref="WithCancellation{T}(Task{T}, CancellationToken)"/>
    public static Task WithCancellation(this Task task, CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
}
