using QueryRec.Core.Matching;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Index;

/// <summary>Reads the near-duplicate folds of one index version (its "nd:" chunks) into its collapse keys.</summary>
internal static class NearDuplicateFoldsReader
{
    /// <summary>
    /// The collapse keys of the version <paramref name="snapshot"/> reads: <see cref="NearDuplicateKeys.None"/> for a
    /// version without folds (<paramref name="info"/> null, or written before folds were recorded).
    /// </summary>
    public static async Task<NearDuplicateKeys> ReadAsync(IIndexSnapshot snapshot, IndexInfo? info, CancellationToken cancellationToken)
    {
        if (info is not { NearDuplicateFoldChunks: > 0 } built)
        {
            return NearDuplicateKeys.None;
        }

        var folds = new List<NearDuplicateKeys.Fold>();
        for (var chunk = 0; chunk < built.NearDuplicateFoldChunks; chunk++)
        {
            var read = await snapshot.GetNearDuplicateFoldsAsync(chunk, cancellationToken)
                ?? throw new InvalidDataException($"Index {snapshot.Version}: near-duplicate fold chunk {chunk} of {built.NearDuplicateFoldChunks} is missing.");
            foreach (var fold in read.Folds)
            {
                folds.Add(new(fold.Text, fold.Key, fold.Shown.Length > 0 ? fold.Shown : fold.Text));
            }
        }

        return new NearDuplicateKeys(folds);
    }
}
