using Xunit;
using Xunit.Sdk;

namespace QueryRec.TestSupport;

/// <summary>
/// A fact that reads files of <c>../shared/data</c>: it runs where they are, and is reported as not run (skipped, the
/// missing file named) on a machine without them, except under CI, where it runs and fails (see
/// <see cref="SharedData.NotRunReason"/>). It carries the trait <c>Category=shared-data</c>
/// (<see cref="SharedDataTraitDiscoverer"/>), by which the test command counts the dataset tests that ran.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[TraitDiscoverer("QueryRec.TestSupport.SharedDataTraitDiscoverer", "QueryRec.TestSupport")]
public sealed class SharedDataFactAttribute : FactAttribute, ITraitAttribute
{
    /// <param name="files">The files the test reads, '/'-separated, relative to <c>shared/data</c>.</param>
    public SharedDataFactAttribute(params string[] files)
    {
        if (SharedData.NotRunReason(files) is { } reason)
        {
            Skip = reason;
        }
    }
}
