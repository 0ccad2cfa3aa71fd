using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// Keeps every log entry of a host (event id and formatted message): for tests of what is logged and how often.
/// Its own logger for every category, so one instance is both the provider and the logger.
/// </summary>
internal sealed class LogCapture : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(EventId Id, string Message)> _entries = new();

    /// <summary>The entries so far, in order.</summary>
    public IReadOnlyList<(EventId Id, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _entries.Enqueue((eventId, formatter(state, exception)));

    public void Dispose()
    {
    }
}
