using Microsoft.Extensions.Options;

namespace QueryRec.UnitTests.TestHelpers;

/// <summary>An options monitor whose value never changes, for classes that read <c>CurrentValue</c> per call.</summary>
internal sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
