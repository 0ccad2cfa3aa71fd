using QueryRec.Contracts.V1;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Browse;

/// <summary>
/// Discover: BEFORE_SEARCH shows HISTORY (the caller's own searches, newest first), PERSONAL (u2q2q: q2q of recent
/// queries and i2q of viewed items) and HOT (hot and trending lists, category-scoped when a category is given);
/// BROWSING shows RELATED, REFINE and CLICK_BACK of the page's query and item. <c>sections</c> selects sections (all of the stage when empty).
/// </summary>
internal sealed class DiscoverHandler(BrowseServing serving, ILogger<DiscoverHandler> logger)
{
    public const int MaxLimit = 50;

    public async Task<DiscoverResponse> HandleAsync(DiscoverRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        var strategy = Validate(request);
        StrategyLog.StrategySelected(logger, "Discover", request.Stage.ToString(), request.Scene.ToString(), strategy.Name);
        var limit = request.Limit == 0 ? serving.OptionsOf(call).DiscoverDefaultLimit : request.Limit;
        var (context, metadata) = serving.Begin(request.UserId, request.DeviceId, request.Context, strategy.Name, call, cancellationToken);
        var response = new DiscoverResponse { Metadata = metadata };
        var wanted = request.Sections.ToHashSet();
        var selected = wanted.Count == 0
            ? strategy.Defaults(request.HasResultCount && request.ResultCount == 0).ToList()
            : strategy.Sections.Where(s => wanted.Contains(s.Kind)).ToList();
        var results = await Task.WhenAll(selected.Select(s => serving.RunAsync(s.Plan, context, limit, strategy.Name, logger, "Discover", cancellationToken)));
        BrowseServing.AddDegraded(metadata, results);
        if (results.Select(static r => r.ModelVersion).FirstOrDefault(static v => v is not null) is { } model)
        {
            metadata.ModelVersion = model;
        }

        for (var i = 0; i < selected.Count; i++)
        {
            var section = new Section { Kind = selected[i].Kind, Title = selected[i].Title };
            section.Items.AddRange(results[i].Items.Select(BrowseServing.ToItem));
            response.Sections.Add(section);
        }

        return response;
    }

    private DiscoverStrategy Validate(DiscoverRequest request)
    {
        var validation = new RequestValidation();
        BrowseServing.ValidateCommon(validation, request.UserId, request.DeviceId, request.Stage, request.Scene, request.Context, request.Limit, MaxLimit);
        var strategy = serving.Registry.Discover(request.Stage, request.Scene);
        if (strategy is null && System.Enum.IsDefined(request.Stage))
        {
            validation.Add("stage", $"must be STAGE_BEFORE_SEARCH or STAGE_BROWSING for Discover (got {request.Stage}).");
        }

        if (request.HasResultCount)
        {
            validation.Range("result_count", request.ResultCount, 0, Correction.CorrectRequestRules.MaxResultCount);
        }

        if (request.Sections.Count > QueryRec.Core.Limits.MaxDiscoverSections)
        {
            validation.Add("sections", $"must name at most {QueryRec.Core.Limits.MaxDiscoverSections} sections (got {request.Sections.Count}).");
        }

        for (var i = 0; request.Sections.Count <= QueryRec.Core.Limits.MaxDiscoverSections && i < request.Sections.Count; i++)
        {
            var kind = request.Sections[i];
            if (!System.Enum.IsDefined(kind) || kind == SectionKind.Unspecified)
            {
                validation.Add($"sections[{i}]", $"unknown section kind {(int)kind}.");
            }
            else if (strategy is not null && !strategy.Offers(kind))
            {
                validation.Add($"sections[{i}]", $"{kind} is not offered at stage {request.Stage} (offered: {string.Join(", ", strategy.Sections.Select(static s => s.Kind))}).");
            }
        }

        validation.ThrowIfInvalid();
        return strategy!;
    }
}
