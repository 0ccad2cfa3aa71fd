using QueryRec.Storage;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>A store under test, seen through both of its interfaces.</summary>
public sealed record StoreUnderTest(IIndexStore Store, IIndexAdmin Admin);
