using Xunit.Abstractions;
using Xunit.Sdk;

namespace QueryRec.TestSupport;

/// <summary>The trait of every <see cref="SharedDataFactAttribute"/> test: <c>Category=shared-data</c>.</summary>
public sealed class SharedDataTraitDiscoverer : ITraitDiscoverer
{
    /// <summary>The trait's value; the test command counts the tests that carry it.</summary>
    public const string Category = "shared-data";

    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        yield return new KeyValuePair<string, string>("Category", Category);
    }
}
