namespace QueryRec.Indexer.Build;

/// <summary>
/// The entries of a completion table as the table writer reads them: which kept query an entry shows (entries of
/// one query share its text), its score, and its serialized <see cref="QueryRec.Storage.V1.Completion"/>.
/// </summary>
internal interface ICompletionEntries
{
    /// <summary>The kept query entry <paramref name="entry"/> completes to (texts are equal exactly when these are).</summary>
    int QueryOf(int entry);

    /// <summary>The score of the entry's completion.</summary>
    double ScoreOf(int entry);

    /// <summary>The size of the entry's serialized completion.</summary>
    int LengthOf(int entry);

    /// <summary>Writes the entry's serialized completion to <paramref name="destination"/> (at least <see cref="LengthOf"/> bytes); returns its size.</summary>
    int CopyTo(int entry, Span<byte> destination);
}
