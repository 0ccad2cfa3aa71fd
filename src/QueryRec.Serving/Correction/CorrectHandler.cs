using QueryRec.Contracts.V1;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Serving.Correction;

/// <summary>
/// Correct: zero or one correction of a submitted query, from the request's index snapshot, within the strategies'
/// recall budget. A store failure or a missed budget answers no correction, degraded (<c>source_error:correction</c>,
/// <c>source_timeout:correction</c>); no index answers none, degraded <c>index_unavailable</c>; before the version's typo
/// trie is built, an answer that would have walked it is degraded <c>source_unavailable:fuzzy</c>.
/// </summary>
internal sealed class CorrectHandler(BrowseServing serving, QueryCorrector corrector, TimeProvider timeProvider, ILogger<CorrectHandler> logger)
{
    public const string Strategy = "correct-v1";

    public async Task<CorrectResponse> HandleAsync(CorrectRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        var query = CorrectRequestRules.Validate(request);
        var (context, metadata) = serving.Begin(request.UserId, request.DeviceId, request.Context, Strategy, call, cancellationToken);
        var response = new CorrectResponse { Metadata = metadata };
        if (context.Serving is not { } index)
        {
            return response;
        }

        using var timeout = new CancellationTokenSource(call.Limit(context.Options.RecallBudget), timeProvider);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var result = await corrector.CorrectAsync(index, request.Query, query, request.HasResultCount ? request.ResultCount : null, context.Category, budget.Token);
            if (result is not null)
            {
                response.Correction = ToCorrection(result);
            }

            // The typo trie is built in the background after a version loads: an answer that would have walked it is marked.
            if (index.Fuzzy is { Available: true, Ready: null } && result is not { Rewrite: true })
            {
                Degraded.MarkOnce(metadata, "source_unavailable:fuzzy");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Degraded.MarkOnce(metadata, "source_timeout:correction");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CorrectionLog.CorrectionFailed(logger, ex);
            Degraded.MarkOnce(metadata, "source_error:correction");
        }

        return response;
    }

    public static Contracts.V1.Correction ToCorrection(CorrectionResult result) => new()
    {
        Text = result.Text,
        Kind = (CorrectionKind)(int)result.Kind,
        Confidence = Math.Round(result.Confidence, 4),
        Action = result.Rewrite ? CorrectionAction.Rewrite : CorrectionAction.Offer,
        Distance = result.Distance,
        Mined = result.Mined,
    };
}
