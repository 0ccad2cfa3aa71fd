using QueryRec.Core.Matching;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Evaluate;

/// <summary>The collapse keys of a built index (its "nd:" folds): what the server built from it collapses by.</summary>
internal static class EvalNearKeys
{
    /// <summary>The collapse keys of <paramref name="build"/>; <see cref="NearDuplicateKeys.None"/> when it has no folds.</summary>
    public static NearDuplicateKeys Of(IndexBuild build)
    {
        var folds = build.Records
            .Where(static r => IndexKeys.KindOf(r.Key) == IndexKeys.NearDuplicateFoldKind)
            .SelectMany(static r => NearDuplicateFolds.Parser.ParseFrom(r.Value).Folds)
            .Select(static f => new NearDuplicateKeys.Fold(f.Text, f.Key, f.Shown.Length > 0 ? f.Shown : f.Text))
            .ToList();
        return folds.Count == 0 ? NearDuplicateKeys.None : new NearDuplicateKeys(folds);
    }
}
