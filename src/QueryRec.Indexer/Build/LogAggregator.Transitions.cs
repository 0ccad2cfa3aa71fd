using System.Runtime.InteropServices;

namespace QueryRec.Indexer.Build;

/// <summary>The q2q transitions of a closed session's final searches (read by the related lists and correction pairs).</summary>
internal sealed partial class LogAggregator
{
    /// <summary>q2q: each distinct directional pair (a → next different final query b) counts once per session.</summary>
    private void CountTransitions()
    {
        if (_finals.Count < 2)
        {
            return;
        }

        _sessionPairs.Clear();
        _sessionSources.Clear();
        _sessionTargets.Clear();
        for (var i = 1; i < _finals.Count; i++)
        {
            var a = _finals[i - 1];
            var b = _finals[i];
            if (a == b)
            {
                continue;
            }

            if (_sessionPairs.Add(((long)a << 32) | (uint)b))
            {
                _sessionSources.Add(a);
                _sessionTargets.Add(b);
            }
        }

        if (_sessionPairs.Count == 0)
        {
            return;
        }

        TransitionSessions++;
        foreach (var pair in _sessionPairs)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(Transitions, pair, out _)++;
        }

        foreach (var a in _sessionSources)
        {
            Queries[a].Sources++;
        }

        foreach (var b in _sessionTargets)
        {
            Queries[b].Targets++;
        }
    }
}
