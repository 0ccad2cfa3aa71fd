using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Push cool-down: drops the queries reported pushed to the caller (PUSH_SENT) within <c>PushCoolDown</c> before the
/// request. Reported texts are normalized when stored, as candidates are.
/// </summary>
internal sealed class PushCoolDown : IRerankStep<BrowseContext>
{
    public string Name => "push_cool_down";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var since = state.Context.Now - state.Context.Options.PushCoolDown;
        var pushed = (await state.Context.PushesSentAsync()).Where(p => p.Time > since).Select(static p => p.Value).ToHashSet(StringComparer.Ordinal);
        return pushed.Count == 0 ? candidates : candidates.Where(c => !pushed.Contains(c.Text)).ToList();
    }
}
