using Microsoft.Extensions.Time.Testing;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>
/// The contract every index store keeps (DESIGN §3). Runs against the embedded store
/// (<see cref="EmbeddedIndexStoreContractTests"/>) and a real Redis (<see cref="RedisIndexStoreContractTests"/>); the
/// tests are grouped by behaviour: snapshot reads, publishing and rollback, status, export and announcements.
/// </summary>
public abstract partial class IndexStoreContractTests
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected abstract StoreUnderTest CreateStore(int retainVersions = 3);
}
