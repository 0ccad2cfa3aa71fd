using QueryRec.Storage.Embedded;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>The contract against the in-process store.</summary>
public sealed class EmbeddedIndexStoreContractTests : IndexStoreContractTests
{
    protected override StoreUnderTest CreateStore(int retainVersions = 3)
    {
        var store = new EmbeddedIndexStore(retainVersions, Time);
        return new StoreUnderTest(store, store);
    }
}
