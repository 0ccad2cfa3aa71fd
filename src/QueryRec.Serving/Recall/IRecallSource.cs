namespace QueryRec.Serving.Recall;

/// <summary>
/// A recall source of a strategy: given the request context, returns candidates. Sources run concurrently
/// (<see cref="RecallRunner"/>); one that throws or misses the budget is dropped and the answer is degraded.
/// </summary>
/// <typeparam name="TContext">What the strategy knows about the request (prefix, subject, index snapshot...).</typeparam>
internal interface IRecallSource<in TContext>
{
    /// <summary>A short name for degraded reasons and logs (<c>source_error:{Name}</c>).</summary>
    string Name { get; }

    /// <summary>
    /// The first word of this source's degraded reasons: <c>{ReasonKind}_error:{Name}</c>, <c>{ReasonKind}_timeout:{Name}</c>.
    /// "source" unless a source keeps an older published reason (the prefix table keeps <c>store_*:prefix</c>).
    /// </summary>
    string ReasonKind => "source";

    /// <summary>
    /// True when the source's synchronous part is short (index node reads, in-memory lists, a few string checks):
    /// <see cref="RecallRunner"/> then calls it on the caller's thread instead of after a thread-pool hop. A read
    /// that goes asynchronous (Redis, a near-cache miss) still runs concurrently with the other sources and within
    /// the budget; a source that does long synchronous work leaves this false (or yields itself before that work).
    /// </summary>
    bool RunsInline => false;

    /// <summary>Recalls candidates; an empty list when the source has nothing for this request.</summary>
    ValueTask<IReadOnlyList<Candidate>> RecallAsync(TContext context, CancellationToken cancellationToken);
}
