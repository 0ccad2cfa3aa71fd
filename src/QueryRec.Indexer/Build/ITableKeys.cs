namespace QueryRec.Indexer.Build;

/// <summary>
/// Receives the keys of one completion-table entry as spans of the strings they are cut from, so a key that has a
/// node already costs no string (a node's key is made once, when the node is).
/// </summary>
internal interface ITableKeys
{
    /// <summary>One key of the entry (the same key may come more than once: the receiver counts the entry once).</summary>
    void Add(ReadOnlySpan<char> key);
}

/// <summary>Keys collected as strings (tests and the pinyin tables' set of keys to leave out).</summary>
internal readonly struct CollectedKeys(ICollection<string> keys) : ITableKeys
{
    public void Add(ReadOnlySpan<char> key) => keys.Add(key.ToString());
}
