namespace QueryRec.Indexer.Simulate;

/// <summary>
/// A session to generate: its start in milliseconds (UTC ticks / 10,000), its user, and its index among the user's
/// sessions of the day. Ordered by start, then user, then index: a total order, so the (unstable) sort of a day's
/// starts has one result.
/// </summary>
internal readonly record struct SessionStart(long Time, int User, int Index) : IComparable<SessionStart>
{
    public int CompareTo(SessionStart other)
    {
        var c = Time.CompareTo(other.Time);
        if (c == 0)
        {
            c = User.CompareTo(other.User);
        }

        return c != 0 ? c : Index.CompareTo(other.Index);
    }
}
