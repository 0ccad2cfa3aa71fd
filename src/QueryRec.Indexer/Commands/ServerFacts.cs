namespace QueryRec.Indexer.Commands;

/// <summary>What <c>evaluate --server</c> learned of the server from its answers alone.</summary>
/// <param name="Address">The server's address.</param>
/// <param name="ModelVersions">Suggest answers per model version.</param>
/// <param name="IndexVersions">The index versions it answered from.</param>
/// <param name="FirstRejection">The first reported event it rejected ("field: reason"), null when none.</param>
internal sealed record ServerFacts(string Address, IReadOnlyDictionary<string, long> ModelVersions, IReadOnlyList<string> IndexVersions, string? FirstRejection);
