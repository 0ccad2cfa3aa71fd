using Microsoft.Extensions.Options;
using QueryRec.Api.Hosting;
using QueryRec.Api.Index;
using QueryRec.Api.Validation;
using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Core.Normalization;
using QueryRec.Storage.V1;

namespace QueryRec.Api.Suggest;

/// <summary>
/// The Suggest pipeline of the foundation: validate, normalize, read the prefix-table node of the active
/// index version, and return its top completions (most popular completion, MPC). Later work adds more
/// recall sources, ranking and reranking around the same shape.
/// </summary>
internal sealed class SuggestHandler(
    ActiveIndex activeIndex,
    IOptions<SuggestOptions> suggestOptions,
    TimeProvider timeProvider,
    ILogger<SuggestHandler> logger)
{
    /// <summary>Model version reported while ranking is the popularity heuristic.</summary>
    public const string HeuristicModelVersion = "heuristic-mpc";

    public async Task<SuggestResponse> HandleAsync(SuggestRequest request, CancellationToken cancellationToken)
    {
        var normalizedPrefix = Validate(request);
        var limit = request.Limit == 0 ? suggestOptions.Value.DefaultLimit : request.Limit;
        var response = new SuggestResponse
        {
            Metadata = new ResponseMetadata
            {
                ModelVersion = HeuristicModelVersion,
                RequestId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N"),
            },
        };

        // One snapshot for the whole request: every read comes from the same version.
        var serving = activeIndex.Current;
        if (serving is null)
        {
            MarkDegraded(response.Metadata, "index_unavailable");
            return response;
        }

        response.Metadata.IndexVersion = serving.Version;
        var key = QueryNormalizer.TruncateRunes(normalizedPrefix, serving.MaxPrefixLength);
        PrefixNode? node;
        try
        {
            node = await serving.Snapshot.GetPrefixNodeAsync(key, cancellationToken)
                .AsTask()
                .WaitAsync(suggestOptions.Value.StoreBudget, timeProvider, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            Log.StoreReadDegraded(logger, ex, "Suggest", "store_timeout");
            MarkDegraded(response.Metadata, "store_timeout:prefix");
            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StoreReadDegraded(logger, ex, "Suggest", "store_error");
            MarkDegraded(response.Metadata, "store_error:prefix");
            return response;
        }

        if (node is null)
        {
            return response;
        }

        var exactNode = key.Length == normalizedPrefix.Length;
        foreach (var completion in node.Completions)
        {
            if (!exactNode && !completion.Text.StartsWith(normalizedPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            response.Items.Add(new RecommendedQuery
            {
                Text = completion.Text,
                Score = completion.Score,
                Sources = { Source.Prefix },
                Reason = Reason.PopularCompletion,
                CategoryHint = completion.CategoryHint,
            });
            if (response.Items.Count == limit)
            {
                break;
            }
        }

        return response;
    }

    private static string Validate(SuggestRequest request)
    {
        var validation = new RequestValidation();
        validation.Common(request.UserId, request.DeviceId, request.Stage, request.Scene, request.Context);
        validation.Range("limit", request.Limit, 0, Limits.MaxSuggestLimit, " (0 means the default)");
        var normalized = string.Empty;
        if (string.IsNullOrEmpty(request.Prefix))
        {
            validation.Add("prefix", "is required.");
        }
        else if (request.Prefix.Length > Limits.MaxPrefixLength)
        {
            validation.Add("prefix", $"must be at most {Limits.MaxPrefixLength} characters (got {request.Prefix.Length}).");
        }
        else
        {
            normalized = QueryNormalizer.NormalizePrefix(request.Prefix);
            if (normalized.Trim().Length == 0)
            {
                validation.Add("prefix", "must contain at least one visible character.");
            }
        }

        validation.ThrowIfInvalid();
        return normalized;
    }

    private static void MarkDegraded(ResponseMetadata metadata, string reason)
    {
        metadata.Degraded = true;
        metadata.DegradedReasons.Add(reason);
    }
}
