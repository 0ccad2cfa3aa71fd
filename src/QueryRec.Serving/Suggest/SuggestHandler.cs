using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Suggest;

/// <summary>
/// The Suggest pipeline: validate and normalize; recall concurrently from the prefix table of the active index
/// version, its pinyin (full, initials, mixed) and word-start infix tables, the caller's own recent queries and the
/// real-time trending list; when that leaves fewer exact-tier candidates than the limit, a fallback round adds
/// homophone corrections, any-order infix and typo-tolerant matches; merge by normalized text; score with the
/// heuristic scorer; rerank (blacklist, order by match tier then score, limit). A source that fails or misses <see cref="SuggestOptions.StoreBudget"/> is dropped
/// and the answer is degraded (<c>source_error:{name}</c>, <c>source_timeout:{name}</c>); the call does not fail.
/// A caller without user or device id, or without matching history, gets plain MPC order.
/// </summary>
internal sealed class SuggestHandler(
    ActiveIndex activeIndex,
    IRealtimeStore realtimeStore,
    TrendingQueries trending,
    HeuristicScorer scorer,
    OnnxRanker ranker,
    Reranker reranker,
    IOptions<SuggestOptions> suggestOptions,
    IOptions<MatchingOptions> matchingOptions,
    IOptionsMonitor<TrendingOptions> trendingOptions,
    TimeProvider timeProvider,
    EventClock eventClock,
    ILogger<SuggestHandler> logger,
    ExperimentModels experimentModels,
    IOptionsMonitor<RankingModelOptions> rankingModelOptions,
    IRankingFeatureLog? featureLog = null,
    SuggestResponseCache? responseCache = null,
    SubjectHasher? subjectHasher = null)
{
    /// <summary>Model version reported while ranking is the heuristic scorer.</summary>
    public const string HeuristicModelVersion = HeuristicScorer.ModelVersion;

    /// <summary>The history of a subject known to have none (see <see cref="SuggestResponseCache.HistoryOf"/>).</summary>
    private static readonly Task<IReadOnlyList<RecentEntry>> NoHistory = Task.FromResult<IReadOnlyList<RecentEntry>>([]);

    private readonly SuggestRanking _ranking = new(scorer, ranker, experimentModels, rankingModelOptions, logger);

    private readonly IReadOnlyList<IRerankStep<SuggestRerankContext>> _rerankSteps = SuggestRerankSteps.Create(reranker, featureLog, subjectHasher);

    private readonly SuggestSourceSet _sources = new(realtimeStore, trendingOptions, matchingOptions.Value, suggestOptions.Value.HistoryMax);

    /// <summary>The sources of experiment arms that override matching or history options, one set per assignment.</summary>
    private readonly ConditionalWeakTable<ExperimentAssignment, SuggestSourceSet> _armSources = new();

    public async Task<SuggestResponse> HandleAsync(SuggestRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        string normalizedPrefix;
        using (QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Normalize))
        {
            normalizedPrefix = SuggestRequestRules.Validate(request);
        }

        var arm = call.Arms;
        var options = arm?.Suggest ?? suggestOptions.Value;
        var sources = arm is { Matching: not null } or { Suggest: not null }
            ? _armSources.GetValue(arm, a => new SuggestSourceSet(realtimeStore, trendingOptions, a.Matching ?? matchingOptions.Value, options.HistoryMax))
            : _sources;
        var limit = request.Limit == 0 ? options.DefaultLimit : request.Limit;
        var now = eventClock.Now;
        var requestId = RequestIds.New(now);

        // One snapshot for the whole request: every index read comes from the same version.
        var serving = activeIndex.Current;
        var subject = options.HistoryMax > 0 ? RealtimeSubject.Of(request.UserId, request.DeviceId) : null;
        var trendingSnapshot = trending.Current;
        var started = timeProvider.GetTimestamp();

        // The budget never runs past the call's gRPC deadline (less a reserve to answer).
        var budget = call.Limit(options.StoreBudget);

        // A call without personal signal may be answered from the response cache (see SuggestResponseCache).
        Task<IReadOnlyList<RecentEntry>>? recentQueries = null;
        Task<IReadOnlyList<RecentEntry>>? viewed = null;
        SuggestResponseCache.Key? cacheKey = null;
        if (responseCache is { Enabled: true } && (subject is null || responseCache.IncludeSubjectsWithoutHistory)
            && featureLog is null && serving is not null && !trending.IsStale
            && arm?.InvalidReason is null && arm?.ModelId is null && _ranking.CacheModelVersion(arm) is { } modelVersion)
        {
            var withoutHistory = subject is null;
            var known = subject is null ? SubjectHistory.Unknown : responseCache.HistoryOf(subject);
            if (known == SubjectHistory.None)
            {
                // Read as empty on this instance within the presence TTL: no read now; a miss runs the pipeline on the
                // same empty lists.
                (recentQueries, viewed, withoutHistory) = (NoHistory, NoHistory, true);
            }
            else if (subject is not null && known == SubjectHistory.Unknown)
            {
                var generation = responseCache.GenerationOf(subject);
                Task<IReadOnlyList<RecentEntry>> queriesRead, viewedRead;
                bool? hasHistory;
                using (QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.HistoryCheck))
                {
                    queriesRead = Deferred(() => realtimeStore.GetRecentQueriesAsync(subject, options.HistoryMax, cancellationToken));
                    viewedRead = Deferred(() => realtimeStore.GetViewedItemsAsync(subject, SessionSignals.MaxItems, cancellationToken));
                    hasHistory = await HasHistoryAsync(queriesRead, viewedRead, budget, cancellationToken);
                }

                if (hasHistory is { } read)
                {
                    responseCache.RecordHistory(subject, read, generation);
                }

                // The pipeline shares these reads, whatever they gave: empty (answered from the cache on a hit, else
                // recalled on the same empty lists), history (personalized without reading it twice), failed or late
                // (the pipeline's awaits of the same tasks report it, and nothing was remembered).
                (recentQueries, viewed, withoutHistory) = (queriesRead, viewedRead, hasHistory == false);
                if (!withoutHistory)
                {
                    // History, or a failed or late read: the pipeline answers, with its own full budget (a late read
                    // delays the answer by this wait).
                    started = timeProvider.GetTimestamp();
                    budget = call.Limit(options.StoreBudget);
                }
            }

            // SubjectHistory.Some (history when last read): the pipeline answers, as for a call the cache does not serve.
            if (withoutHistory)
            {
                cacheKey = SuggestResponseCache.KeyOf(request, normalizedPrefix, limit, serving.Version, modelVersion, arm, trendingSnapshot);
                if (responseCache.TryGet(cacheKey.Value, requestId) is { } cached)
                {
                    Activity.Current?.SetTag(QueryRecTelemetry.Attributes.ResponseCache, "hit");
                    return cached;
                }
            }
        }

        var response = new SuggestResponse
        {
            Metadata = new ResponseMetadata
            {
                ModelVersion = HeuristicModelVersion,
                RequestId = requestId,
                Strategy = Strategies.StrategyRegistry.SuggestStrategy,
            },
        };
        call.Stamp(response.Metadata);

        if (serving is null)
        {
            Degraded.Mark(response.Metadata, "index_unavailable");
        }
        else
        {
            response.Metadata.IndexVersion = serving.Version;
        }

        // Session features (q2q, i2q, category affinity) feed only the model and the feature log: read for a caller
        // with a subject, concurrently with recall, sharing recall's read of the recent queries (read already when the
        // response cache checked the call for personal signal).
        Task<SessionSignals>? session = null;
        if (subject is not null && serving is not null && (ranker.Configured || featureLog is not null || arm?.ModelId is not null))
        {
            recentQueries ??= Deferred(() => realtimeStore.GetRecentQueriesAsync(subject, options.HistoryMax, cancellationToken));
            viewed ??= Deferred(() => realtimeStore.GetViewedItemsAsync(subject, SessionSignals.MaxItems, cancellationToken));
            session = SessionSignals.LoadAsync(serving.Snapshot, recentQueries, viewed, now, cancellationToken);
        }

        // The call's candidates are reused by later calls, unless the feature log keeps them past the call.
        var arena = featureLog is null ? CandidateArena.Rent() : null;
        var context = new SuggestContext(normalizedPrefix, subject, serving, trendingSnapshot) { RecentQueries = recentQueries, Arena = arena };
        var firstBudget = budget - timeProvider.GetElapsedTime(started);
        var recall = await RecallRunner.RunAsync(sources.First, context, call.Scope, firstBudget > TimeSpan.Zero ? firstBudget : TimeSpan.Zero, timeProvider, logger, "Suggest", cancellationToken);
        if (ExactCount(recall.Candidates, out var pinyin) < limit && context.Serving is not null)
        {
            recall = await FallbackAsync(sources, recall, context, call.Scope, limit, pinyin, budget - timeProvider.GetElapsedTime(started), response.Metadata, cancellationToken);
        }

        foreach (var reason in recall.DegradedReasons)
        {
            Degraded.Mark(response.Metadata, reason);
        }

        if (trending.IsStale)
        {
            Degraded.Mark(response.Metadata, "source_stale:trending");
        }

        float[]? logged;
        List<Candidate>? scoredOrder;
        using (QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Features))
        {
            if (session is not null)
            {
                (await SessionAsync(session, call.Scope, budget - timeProvider.GetElapsedTime(started), cancellationToken)).Apply(recall.Candidates);
            }

            // Feature logging (training data): the vectors the model sees, taken before scoring and collapse.
            logged = featureLog is null ? null : ranker.FeatureBatch(recall.Candidates, normalizedPrefix, now, trendingSnapshot);
            scoredOrder = logged is null ? null : new List<Candidate>(recall.Candidates);
        }

        using (var rank = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Rank))
        {
            _ranking.Score(recall.Candidates, normalizedPrefix, now, trendingSnapshot, logged, response.Metadata, arm);
            rank?.SetTag(QueryRecTelemetry.Attributes.ModelVersion, response.Metadata.ModelVersion);
        }

        List<Candidate> shown;
        using (QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Rerank))
        {
            var rerankContext = new SuggestRerankContext(
                SuggestContextFilter.FiltersOf(request),
                serving?.Snapshot,
                options,
                logged is null ? null : new LoggedRanking(request, normalizedPrefix, response.Metadata, scoredOrder!, logged))
            {
                PinyinOverLiteralRatio = sources.Matching.PinyinOverLiteralRatio,
                NearKeys = serving?.NearKeys ?? QueryRec.Core.Matching.NearDuplicateKeys.None,
            };
            var state = new RerankState<SuggestRerankContext>(rerankContext, limit, call.Scope);
            var candidates = recall.Candidates as List<Candidate> ?? [.. recall.Candidates];
            shown = await RerankPipeline.RunAsync(_rerankSteps, candidates, state, logger, Strategies.StrategyRegistry.SuggestStrategy, cancellationToken, spanPerStep: false);
            for (var i = 0; i < state.DegradedReasons.Count; i++)
            {
                Degraded.Mark(response.Metadata, state.DegradedReasons[i]);
            }
        }

        // Sized once: growing the repeated field would allocate its array twice for a full answer.
        var count = Math.Min(limit, shown.Count);
        response.Items.Capacity = count;
        for (var i = 0; i < count; i++)
        {
            var candidate = shown[i];
            var item = new RecommendedQuery
            {
                Text = candidate.DisplayText,
                Score = candidate.Score,
                Reason = candidate.Reason,
                CategoryHint = candidate.CategoryHint,
                CollapsedVariants = candidate.CollapsedVariants,
                ContextFill = candidate.ContextFill,
            };
            candidate.Sources.CopyTo(item.Sources);
            response.Items.Add(item);
        }

        // Nothing reads the candidates past this point; a source that timed out may still be filling its own.
        if (arena is not null && recall.DegradedReasons.Count == 0)
        {
            CandidateArena.Return(arena);
        }

        if (cacheKey is { } key && response.Metadata.ModelVersion == key.ModelVersion)
        {
            responseCache!.Set(key, response);
            Activity.Current?.SetTag(QueryRecTelemetry.Attributes.ResponseCache, "miss");
        }

        return response;
    }

    /// <summary>
    /// Whether the caller's recent queries or viewed items hold anything, when both were read within the budget; null
    /// when a read failed or was late (the pipeline's own reads of the same tasks report it).
    /// </summary>
    private async Task<bool?> HasHistoryAsync(
        Task<IReadOnlyList<RecentEntry>> recentQueries, Task<IReadOnlyList<RecentEntry>> viewed, TimeSpan budget, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(recentQueries, viewed).WaitAsync(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, timeProvider, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A late read may still fail: observe it (the viewed items may have no other reader).
            foreach (var read in (Task[])[recentQueries, viewed])
            {
                RecallRunner.ObserveLate(read);
            }

            return null;
        }

        return recentQueries.Result.Count > 0 || viewed.Result.Count > 0;
    }

    /// <summary>
    /// Called when the first round recalled fewer exact-tier candidates than the limit (<see cref="ExactCount"/>):
    /// runs the fallback sources within what is left of the budget and merges them in. Typo tolerance that would run while the version's matcher is
    /// still being built marks the answer <c>source_unavailable:fuzzy</c>; a first round that spent the whole budget
    /// (already degraded by its late source) skips the fallback.
    /// </summary>
    private async Task<RecallResult> FallbackAsync(
        SuggestSourceSet sources,
        RecallResult recall, SuggestContext context, CallScope scope, int limit, bool pinyin, TimeSpan budget, ResponseMetadata metadata, CancellationToken cancellationToken)
    {
        var exact = 0;
        var infix = 0;
        foreach (var candidate in recall.Candidates)
        {
            switch (candidate.Features.Tier)
            {
                case MatchTier.Exact:
                    exact++;
                    break;
                case MatchTier.Infix:
                    infix++;
                    break;
            }
        }

        var fallback = context with { ExactRecallThin = true, InfixRecallThin = exact + infix < limit, ReadsAsPinyin = pinyin };
        if (sources.Fuzzy.Unavailable(fallback))
        {
            Degraded.Mark(metadata, "source_unavailable:" + sources.Fuzzy.Name);
        }

        if (budget <= TimeSpan.Zero)
        {
            // A first-round source spent the whole budget and is already reported (source_timeout:{name}):
            // answer with what the round found.
            return recall;
        }

        var more = await RecallRunner.RunAsync(sources.Fallback, fallback, scope, budget, timeProvider, logger, "Suggest", cancellationToken, QueryRecTelemetry.Spans.RecallFallback);
        return RecallRunner.Combine(recall, more);
    }

    /// <summary>
    /// The first round's exact-tier candidates (the fallback round runs when they are fewer than the limit), and
    /// whether any was recalled by full pinyin (the input then reads as pinyin).
    /// </summary>
    private static int ExactCount(IReadOnlyList<Candidate> candidates, out bool pinyin)
    {
        var exact = 0;
        pinyin = false;
        foreach (var candidate in candidates)
        {
            pinyin |= candidate.Sources.Contains(Source.PinyinFull);
            exact += candidate.Features.Tier == MatchTier.Exact ? 1 : 0;
        }

        return exact;
    }

    /// <summary>
    /// The session features within what is left of the budget. A read that fails or is late leaves them 0 (logged,
    /// not degraded: recall's own reads of the same stores report the fault, and the answer is still ranked).
    /// </summary>
    private async Task<SessionSignals> SessionAsync(Task<SessionSignals> session, CallScope scope, TimeSpan budget, CancellationToken cancellationToken)
    {
        try
        {
            return await session.WaitAsync(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            IndexLog.StoreReadDegraded(logger, null, "Suggest", "features_timeout:session");
            RecallRunner.ObserveLate(session);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            IndexLog.StoreReadDegraded(logger, ex, "Suggest", "features_error:session");
            scope.AddStoreFault(ex);
        }

        return SessionSignals.Empty;
    }

    /// <summary>Starts a store read after yielding, so that a read that throws synchronously faults its task instead.</summary>
    private static async Task<T> Deferred<T>(Func<Task<T>> read)
    {
        await Task.Yield();
        return await read();
    }
}
