namespace QueryRec.Serving.Ranking;

/// <summary>
/// Feature logging of the Discover ranker (an in-process hook like <see cref="IRankingFeatureLog"/>, not part of the
/// gRPC contract): when registered in DI, every RELATED and REFINE section hands it its candidates after the filters
/// and before the limit, with the <see cref="Core.Ranking.DiscoveryFeatureSchema"/> row the model scores (or would
/// score). <c>indexer train --discovery</c> labels them by the query the user searched next. Runs on the request path.
/// </summary>
public interface IDiscoveryFeatureLog
{
    /// <summary>Receives one section's candidates.</summary>
    void Record(DiscoveryFeatureRecord record);
}

/// <summary>One Discover section as seen by the ranker.</summary>
/// <param name="RequestId">The response's <c>metadata.request_id</c> (a Discover call's sections share it).</param>
/// <param name="ContextQuery">The page's normalized query.</param>
/// <param name="Candidates">Every candidate in the heuristic's order (best first), with its row.</param>
public sealed record DiscoveryFeatureRecord(string RequestId, string ContextQuery, IReadOnlyList<LoggedCandidate> Candidates);
