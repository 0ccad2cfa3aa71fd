using QueryRec.Contracts.V1;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Browse;

/// <summary>
/// GetShadingWords (底纹): N placeholder queries in rotation order from the user's q2q and i2q, category hot, global
/// hot and pins; words shown <see cref="StrategyOptions.ShadingDailyExposureCap"/> times today are skipped.
/// </summary>
internal sealed class ShadingWordsHandler(BrowseServing serving, ILogger<ShadingWordsHandler> logger)
{
    public const int MaxLimit = 20;

    public async Task<GetShadingWordsResponse> HandleAsync(GetShadingWordsRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        BrowseServing.ValidateCommon(validation, request.UserId, request.DeviceId, request.Stage, request.Scene, request.Context, request.Limit, MaxLimit);
        if (request.Stage == Stage.InSearch)
        {
            validation.Add("stage", "must be STAGE_BEFORE_SEARCH, STAGE_BROWSING or unspecified for GetShadingWords (IN_SEARCH is Suggest's).");
        }

        validation.ThrowIfInvalid();
        var options = serving.OptionsOf(call);
        var strategy = serving.Registry.ShadingWords(request.Stage, request.Scene, request.Context?.CategoryId ?? string.Empty);
        StrategyLog.StrategySelected(logger, "GetShadingWords", request.Stage.ToString(), request.Scene.ToString(), strategy.Name);
        var limit = request.Limit == 0 ? options.ShadingDefaultLimit : request.Limit;
        var (context, metadata) = serving.Begin(request.UserId, request.DeviceId, request.Context, strategy.Name, call, cancellationToken);
        var result = await serving.RunAsync(strategy.Plan, context, limit, strategy.Name, logger, "GetShadingWords", cancellationToken);
        BrowseServing.AddDegraded(metadata, [result]);
        var response = new GetShadingWordsResponse { Metadata = metadata, RotationIntervalSeconds = options.RotationIntervalSeconds };
        response.Items.AddRange(result.Items.Select(BrowseServing.ToItem));
        return response;
    }
}
